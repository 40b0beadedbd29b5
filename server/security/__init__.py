"""Request and response hardening of the whole app: API CSRF guard, security headers."""
