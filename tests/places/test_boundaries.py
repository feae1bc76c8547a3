"""`pb import-wards`: boundaries matched by code, checked with shapely, line-numbered errors."""

import json

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import select

from pb.cli import cli
from pb.councils.models import Ward
from pb.extensions import db
from pb.places.boundaries import BoundaryFileError, features_with_lines, import_boundaries
from tests.places.conftest import FIXTURE

SQUARE = [[-2.0, 53.0], [-1.99, 53.0], [-1.99, 53.01], [-2.0, 53.01], [-2.0, 53.0]]
BOWTIE = [[-2.0, 53.0], [-1.99, 53.01], [-1.99, 53.0], [-2.0, 53.01], [-2.0, 53.0]]


def _file(*geometries, code_key="WD24CD", codes=("E05000001", "E05000002")) -> str:
    """A FeatureCollection with one feature per line from line 3 on."""
    features = [
        json.dumps({"type": "Feature", "properties": {code_key: code}, "geometry": geometry})
        for code, geometry in zip(codes, geometries, strict=False)
    ]
    return '{"type": "FeatureCollection",\n "features": [\n' + ",\n".join(features) + "\n]}\n"


def _polygon(ring):
    return {"type": "Polygon", "coordinates": [ring]}


def _boundaries():
    return {w.code: w.boundary for w in db.session.scalars(select(Ward))}


def test_the_fixture_gives_each_ward_its_boundary_and_skips_other_councils(world):
    done = import_boundaries(FIXTURE.read_text(), world.council)
    assert [(line, w.code) for line, w in done.matched] == [(4, "E05000001"), (6, "E05000002")]
    assert done.skipped == 1 and done.missing == []
    stored = json.loads(world.south.boundary)
    assert stored["type"] == "MultiPolygon" and len(stored["coordinates"]) == 2


def test_features_are_found_with_the_line_they_start_on():
    text = _file(_polygon(SQUARE), _polygon(SQUARE))
    assert [line for line, _ in features_with_lines(text)] == [3, 4]


@pytest.mark.parametrize(
    ("geometry", "line", "words"),
    [
        (_polygon(SQUARE[:-1]), 4, "is not closed"),
        (_polygon(BOWTIE), 4, "Self-intersection"),
        (_polygon([[-2.0, 53.0], [-1.99, 53.0], [-1.98, 53.0], [-2.0, 53.0]]), 4, "area"),
        ({"type": "Point", "coordinates": [-2.0, 53.0]}, 4, "not a Polygon or MultiPolygon"),
        (_polygon([[400000, 300000], [400100, 300000], [400100, 300100], [400000, 300000]]), 4,
         "British National Grid"),
        (_polygon([[-2.0, 53.0], ["x", 53.0], [-1.9, 53.1], [-2.0, 53.0]]), 4,
         "other than numbers"),
        (None, 4, "no geometry"),
    ],
)  # fmt: skip
def test_a_bad_boundary_is_refused_with_its_line_and_nothing_is_written(
    world, geometry, line, words
):
    before = _boundaries()
    text = _file(_polygon(SQUARE), geometry)
    with pytest.raises(BoundaryFileError) as refused:
        import_boundaries(text, world.council)
    assert [p for p, _ in refused.value.problems] == [line]
    assert words in refused.value.problems[0][1]
    assert "E05000002 (South)" in refused.value.problems[0][1]
    assert _boundaries() == before  # North's good boundary was not written either


def test_every_problem_is_reported_not_just_the_first(world):
    text = _file(_polygon(BOWTIE), _polygon(SQUARE[:-1]))
    with pytest.raises(BoundaryFileError) as refused:
        import_boundaries(text, world.council)
    assert [line for line, _ in refused.value.problems] == [3, 4]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('{"type": "FeatureCollection",\n "features": [\n {"type": "Feature",, }\n]}', 3,
         "not valid JSON"),
        ("[1, 2]", 1, "opens a GeoJSON FeatureCollection"),
        ('{"type": "Feature", "features": []}', 1, "not \"FeatureCollection\""),
        ('{"type": "FeatureCollection"}', 1, 'no "features" list'),
        ('{"type": "FeatureCollection", "features": [\n\n "x"]}', 3, "not a GeoJSON Feature"),
        ('{"type": "FeatureCollection", "features": []}\n\n{}', 3, "more after the object"),
    ],
)  # fmt: skip
def test_a_file_that_is_not_a_feature_collection_says_where(world, text, line, words):
    with pytest.raises(BoundaryFileError) as refused:
        import_boundaries(text, world.council)
    assert refused.value.problems[0][0] == line
    assert words in refused.value.problems[0][1]


def test_the_code_property_is_configurable_and_a_missing_one_is_named(world):
    text = _file(_polygon(SQUARE), code_key="WD23CD", codes=("E05000001",))
    with pytest.raises(BoundaryFileError) as refused:
        import_boundaries(text, world.council)
    assert "no WD24CD property (it has WD23CD: use --code-property WD23CD)" in str(
        refused.value.problems
    )
    done = import_boundaries(text, world.council, code_property="WD23CD")
    assert [w.code for _, w in done.matched] == ["E05000001"]
    assert [w.code for w in done.missing] == ["E05000002"]


def test_a_ward_twice_and_a_file_of_other_wards_are_refused(world):
    twice = _file(_polygon(SQUARE), _polygon(SQUARE), codes=("E05000001", "e05000001"))
    with pytest.raises(BoundaryFileError) as refused:
        import_boundaries(twice, world.council)
    assert refused.value.problems == [(4, "E05000001 (North) already has a feature on line 3")]
    with pytest.raises(BoundaryFileError, match="no feature's WD24CD"):
        import_boundaries(_file(_polygon(SQUARE), codes=("W05000123",)), world.council)


def test_the_command_prints_line_numbered_problems_and_changes_nothing(app, world, tmp_path):
    bad = tmp_path / "wards.geojson"
    bad.write_text(_file(_polygon(SQUARE), _polygon(BOWTIE)))

    def run(path):
        return CliRunner().invoke(
            cli,
            ["import-wards", str(path), "--council", str(world.council.id)],
            obj=ScriptInfo(create_app=lambda: app),
        )

    result = run(bad)
    assert result.exit_code == 1
    assert f"{bad}:4: E05000002 (South): its geometry is not a valid area" in result.output
    assert "nothing was changed" in result.output
    assert world.north.boundary is None
    db.session.expire_all()
    assert _boundaries()["E05000001"] is None
    good = run(FIXTURE)
    assert good.exit_code == 0, good.output
    assert "boundaries for 2 wards. 1 feature of other wards skipped." in good.output


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("cy", "E05000002 (South): nid yw ei geometreg yn arwynebedd dilys"),
        ("pl", "E05000002 (South): jej geometria nie jest poprawnym obszarem"),
    ],
)
def test_the_command_names_the_problems_in_the_chosen_language(
    app, world, tmp_path, monkeypatch, language, said
):
    monkeypatch.setenv("PB_LANGUAGE", language)
    bad = tmp_path / "wards.geojson"
    bad.write_text(_file(_polygon(SQUARE), _polygon(BOWTIE)))
    result = CliRunner().invoke(
        cli,
        ["import-wards", str(bad), "--council", str(world.council.id)],
        obj=ScriptInfo(create_app=lambda: app),
    )
    assert result.exit_code == 1
    assert f"{bad}:4: {said}" in result.output
    assert "its geometry" not in result.output
