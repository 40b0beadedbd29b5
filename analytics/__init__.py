"""Analytics: shopper events (batched), daily rollups of sales, dashboards' figures, recommendations."""
