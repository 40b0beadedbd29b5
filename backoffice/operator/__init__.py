"""Operator console: supplier approval, product review, categories."""
