"""Pages both operators and suppliers use: locations and stock."""
