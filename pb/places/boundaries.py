"""`pb import-wards FILE.geojson`: ward boundaries from a GeoJSON FeatureCollection.

The ONS publishes every UK ward's boundary as GeoJSON, each feature naming its ward by code in
a property such as WD24CD (the year changes). A council's wards are matched by that code;
features of other councils' wards are skipped, so the national file can be used as it is.
Every matched feature is checked before anything is written: all or nothing. Problems name
the line the feature starts on, so they can be found in the file.
"""

import json
import re
from dataclasses import dataclass, field

from sqlalchemy import select

from pb.audit.services import record
from pb.councils.models import Ward
from pb.extensions import db
from pb.places.geometry import GeometryProblem, check_area, to_text

DEFAULT_CODE_PROPERTY = "WD24CD"
# ONS files name the code WDyyCD; when the asked-for property is missing, these are tried.
_CODE_PROPERTY = re.compile(r"^WD\d{2}CD$", re.IGNORECASE)
_SPACE = re.compile(r"\s*")


class BoundaryFileError(Exception):
    """The file as a whole cannot be used, or some features are bad: nothing was imported."""

    def __init__(self, problems: list[tuple[int, str]]):
        self.problems = problems
        first = "; ".join(f"line {line:,}: {text}" for line, text in problems[:1])
        super().__init__(f"{len(problems)} problem(s), the first {first}")


@dataclass
class BoundaryImport:
    """What an import did: wards given a boundary, features skipped, wards still without one."""

    matched: list[tuple[int, Ward]] = field(default_factory=list)  # (line, ward)
    skipped: int = 0  # features of wards that are not the council's
    missing: list[Ward] = field(default_factory=list)


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def features_with_lines(text: str) -> list[tuple[int, object]]:
    """The file's features with the line each starts on.

    The standard json module gives no positions, so the top-level object is walked with its
    decoder's raw_decode, which does: each member and each feature is decoded from its offset.
    Raises BoundaryFileError (with the line) when the file is not a GeoJSON FeatureCollection.
    """
    decoder = json.JSONDecoder()

    def value_at(index: int):
        try:
            return decoder.raw_decode(text, index)
        except json.JSONDecodeError as exc:
            raise BoundaryFileError([(exc.lineno, f"this is not valid JSON ({exc.msg})")]) from None

    def skip(index: int) -> int:
        return _SPACE.match(text, index).end()

    def expect(index: int, char: str, what: str) -> int:
        index = skip(index)
        if text[index : index + 1] != char:
            raise BoundaryFileError([(_line(text, index), f"expected {what} here")])
        return index + 1

    index = expect(0, "{", "the { that opens a GeoJSON FeatureCollection")
    features = None
    kind = None
    index = skip(index)
    if text[index : index + 1] == "}":
        index += 1
    else:
        while True:
            key, index = value_at(skip(index))
            if not isinstance(key, str):
                raise BoundaryFileError([(_line(text, index), "expected a member name here")])
            index = expect(index, ":", "a colon after a member name")
            index = skip(index)
            if key == "features":
                features, index = _features(text, index, value_at, skip, expect)
            else:
                value, index = value_at(index)
                if key == "type":
                    kind = value
            index = skip(index)
            if text[index : index + 1] == ",":
                index += 1
                continue
            index = expect(index, "}", "a comma or the } that closes the file's object")
            break
    if text[skip(index) :].strip():
        raise BoundaryFileError([(_line(text, skip(index)), "there is more after the object")])
    if kind != "FeatureCollection":
        raise BoundaryFileError([(1, f'the file\'s "type" is {kind!r}, not "FeatureCollection"')])
    if features is None:
        raise BoundaryFileError([(1, 'the file has no "features" list')])
    return features


def _features(text, index, value_at, skip, expect):
    index = expect(index, "[", 'the [ of the "features" list')
    features = []
    index = skip(index)
    if text[index : index + 1] == "]":
        return features, index + 1
    while True:
        index = skip(index)
        start = index
        feature, index = value_at(index)
        features.append((_line(text, start), feature))
        index = skip(index)
        if text[index : index + 1] == ",":
            index += 1
            continue
        return features, expect(index, "]", 'a comma or the ] that closes "features"')


def _code(properties: dict, code_property: str):
    if code_property in properties:
        return properties[code_property]
    for key in properties:
        if key.lower() == code_property.lower():
            return properties[key]
    return None


def check_boundaries(text: str, council, code_property: str = DEFAULT_CODE_PROPERTY):
    """Read and check a boundary file for the council's wards, without writing anything.

    Returns (BoundaryImport, {ward id: shape}); raises BoundaryFileError with every problem.
    """
    wards = {
        w.code.upper(): w for w in db.session.scalars(select(Ward).where(Ward.council == council))
    }
    found = BoundaryImport()
    shapes = {}
    problems: list[tuple[int, str]] = []
    first_line: dict[str, int] = {}
    for line, feature in features_with_lines(text):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problems.append((line, 'this member of "features" is not a GeoJSON Feature'))
            continue
        properties = feature.get("properties")
        if not isinstance(properties, dict):
            problems.append((line, "the feature has no properties, so no ward code"))
            continue
        code = _code(properties, code_property)
        if code is None:
            others = [k for k in properties if _CODE_PROPERTY.match(str(k))]
            hint = f" (it has {others[0]}: use --code-property {others[0]})" if others else ""
            problems.append((line, f"the feature has no {code_property} property{hint}"))
            continue
        ward = wards.get(str(code).strip().upper())
        if ward is None:
            found.skipped += 1
            continue
        if ward.code in first_line:
            problems.append(
                (line, f"{ward.code} ({ward.name}) already has a feature on line "
                 f"{first_line[ward.code]:,}")
            )  # fmt: skip
            continue
        first_line[ward.code] = line
        try:
            shapes[ward.id] = check_area(feature.get("geometry"))
        except GeometryProblem as exc:
            problems.append((line, f"{ward.code} ({ward.name}): {exc}"))
            continue
        found.matched.append((line, ward))
    if problems:
        raise BoundaryFileError(problems)
    if not found.matched:
        codes = ", ".join(sorted(wards)) or "none"
        raise BoundaryFileError(
            [(1, f"no feature's {code_property} is the code of one of {council.name}'s wards "
              f"({codes})")]
        )  # fmt: skip
    matched_ids = {w.id for _, w in found.matched}
    found.missing = sorted((w for w in wards.values() if w.id not in matched_ids), key=str)
    return found, shapes


def import_boundaries(
    text: str, council, *, code_property: str = DEFAULT_CODE_PROPERTY, actor=None
) -> BoundaryImport:
    """Give the council's wards the boundaries in the file, or change nothing.

    Raises BoundaryFileError when the file or any matched feature is bad.
    """
    found, shapes = check_boundaries(text, council, code_property)
    for _, ward in found.matched:
        ward.boundary = to_text(shapes[ward.id])
    record(
        "wards.boundaries_imported",
        actor=actor,
        wards=[w.code for _, w in found.matched],
        skipped=found.skipped,
    )
    db.session.flush()
    return found
