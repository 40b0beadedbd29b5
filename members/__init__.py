"""Members: one member online and at the counter — levels by rolling spend, the points ledger."""
