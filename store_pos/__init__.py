"""Store-staff POS: pickup queue, scan and handover, walk-in sales, stock counts."""
