"""Places: ward boundaries, points, point-in-polygon and map projection (no views)."""
