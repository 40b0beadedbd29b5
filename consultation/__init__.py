"""Pre-sales consultation: a consumer asks a shop or a store, live over the realtime hub."""
