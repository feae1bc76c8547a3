from pathlib import Path

import pytest

from pb.places.boundaries import import_boundaries

FIXTURE = Path(__file__).with_name("wards.geojson")
# Inside the made-up boundaries of tests/places/wards.geojson (latitude, longitude).
IN_NORTH = (53.015, -1.99)
IN_SOUTH = (53.005, -1.99)
OUTSIDE = (51.5, -0.12)


@pytest.fixture
def bounded(world):
    """The test world with its wards' made-up boundaries imported."""
    import_boundaries(FIXTURE.read_text(), world.council)
    return world
