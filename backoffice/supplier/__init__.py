"""Supplier console: onboarding, products, shop, shipments, reviews."""
