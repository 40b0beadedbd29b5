"""Supplier money: entry fee and deposit, the deposit ledger, commission and statements."""
