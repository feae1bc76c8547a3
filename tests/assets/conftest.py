from tests.places.conftest import bounded  # noqa: F401  (the fixture, shared)
