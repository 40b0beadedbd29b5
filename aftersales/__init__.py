"""After-sales: returns, refunds and exchanges of received order lines, and their disputes.

Layer above fulfilment and settlement (it refunds through `fulfilment.after_sale`, puts stock
back through `locations.stock` and deducts deposits through `settlement.deposits`), below
analytics and the page packages.
"""
