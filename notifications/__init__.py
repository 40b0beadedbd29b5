"""Notifications: a consumer's inbox and the e-mail outbox that tells them by mail."""
