"""Analytics: shopper events (batched), daily sales rollups, dashboard figures, recommendations."""
