"""The tile server the JavaScript maps use, from TILE_URL and TILE_ATTRIBUTION."""

from flask import current_app


def tiles() -> dict:
    """The configured tile server (none: the ward boundaries are the base map)."""
    return {
        "url": current_app.config.get("TILE_URL") or "",
        "attribution": current_app.config.get("TILE_ATTRIBUTION") or "",
    }
