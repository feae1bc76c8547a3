"""pb: participatory budgeting that residents, ward panels and auditors can trust.

Importing `pb` (or `pb.tally`, which auditors run on its own) loads nothing of the web app;
`create_app()` does, from pb.app.
"""

__version__ = "0.1.0"


def create_app(config_name: str | None = None, **overrides):
    """Build the Flask app (see pb.app.build_app)."""
    from pb.app import build_app

    return build_app(config_name, **overrides)
