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

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from pb.audit.services import record
from pb.councils.models import Ward
from pb.extensions import db
from pb.i18n import number
from pb.places.geometry import GeometryProblem, check_area, to_text

DEFAULT_CODE_PROPERTY = "WD24CD"
# ONS files name the code WDyyCD; when the asked-for property is missing, these are tried.
_CODE_PROPERTY = re.compile(r"^WD\d{2}CD$", re.IGNORECASE)
_SPACE = re.compile(r"\s*")


class BoundaryFileError(Exception):
    """The file as a whole cannot be used, or some features are bad: nothing was imported."""

    def __init__(self, problems: list[tuple[int, str]]):
        self.problems = problems
        line, text = problems[0]
        super().__init__(
            ngettext(
                "%(num)s problem: line %(line)s: %(text)s",
                "%(num)s problems, the first on line %(line)s: %(text)s",
                len(problems),
                line=number(line),
                text=text,
            )
        )


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
            problem = _("this is not valid JSON (%(error)s)", error=exc.msg)
            raise BoundaryFileError([(exc.lineno, problem)]) from None

    def skip(index: int) -> int:
        found = _SPACE.match(text, index)  # \s* matches everywhere, if only emptily
        return found.end() if found else index

    def expect(index: int, char: str, problem: str) -> int:
        index = skip(index)
        if text[index : index + 1] != char:
            raise BoundaryFileError([(_line(text, index), problem)])
        return index + 1

    index = expect(0, "{", _("expected the { that opens a GeoJSON FeatureCollection here"))
    features = None
    kind = None
    index = skip(index)
    if text[index : index + 1] == "}":
        index += 1
    else:
        while True:
            key, index = value_at(skip(index))
            if not isinstance(key, str):
                raise BoundaryFileError([(_line(text, index), _("expected a member name here"))])
            index = expect(index, ":", _("expected a colon after a member name here"))
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
            index = expect(
                index, "}", _("expected a comma or the } that closes the file's object here")
            )
            break
    if text[skip(index) :].strip():
        problem = _("there is more after the object")
        raise BoundaryFileError([(_line(text, skip(index)), problem)])
    if kind != "FeatureCollection":
        problem = _('the file\'s "type" is %(kind)s, not "FeatureCollection"', kind=repr(kind))
        raise BoundaryFileError([(1, problem)])
    if features is None:
        raise BoundaryFileError([(1, _('the file has no "features" list'))])
    return features


def _features(text, index, value_at, skip, expect):
    index = expect(index, "[", _('expected the [ of the "features" list here'))
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
        closing = _('expected a comma or the ] that closes "features" here')
        return features, expect(index, "]", closing)


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
            problems.append((line, _('this member of "features" is not a GeoJSON Feature')))
            continue
        properties = feature.get("properties")
        if not isinstance(properties, dict):
            problems.append((line, _("the feature has no properties, so no ward code")))
            continue
        code = _code(properties, code_property)
        if code is None:
            others = [k for k in properties if _CODE_PROPERTY.match(str(k))]
            if others:
                problem = _(
                    "the feature has no %(property)s property (it has %(other)s: use "
                    "--code-property %(other)s)",
                    property=code_property,
                    other=others[0],
                )
            else:
                problem = _("the feature has no %(property)s property", property=code_property)
            problems.append((line, problem))
            continue
        ward = wards.get(str(code).strip().upper())
        if ward is None:
            found.skipped += 1
            continue
        if ward.code in first_line:
            problem = _(
                "%(code)s (%(name)s) already has a feature on line %(line)s",
                code=ward.code,
                name=ward.name,
                line=number(first_line[ward.code]),
            )
            problems.append((line, problem))
            continue
        first_line[ward.code] = line
        try:
            shapes[ward.id] = check_area(feature.get("geometry"))
        except GeometryProblem as exc:
            problem = _(
                "%(code)s (%(name)s): %(problem)s", code=ward.code, name=ward.name, problem=exc
            )
            problems.append((line, problem))
            continue
        found.matched.append((line, ward))
    if problems:
        raise BoundaryFileError(problems)
    if not found.matched:
        problem = _(
            "no feature's %(property)s is the code of one of the wards of %(council)s (%(codes)s)",
            property=code_property,
            council=council.name,
            codes=", ".join(sorted(wards)) or _("none"),
        )
        raise BoundaryFileError([(1, problem)])
    matched_ids = {w.id for _at, w in found.matched}
    found.missing = sorted((w for w in wards.values() if w.id not in matched_ids), key=str)
    return found, shapes


def import_boundaries(
    text: str, council, *, code_property: str = DEFAULT_CODE_PROPERTY, actor=None
) -> BoundaryImport:
    """Give the council's wards the boundaries in the file, or change nothing.

    Raises BoundaryFileError when the file or any matched feature is bad.
    """
    found, shapes = check_boundaries(text, council, code_property)
    for _at, ward in found.matched:
        ward.boundary = to_text(shapes[ward.id])
    record(
        "wards.boundaries_imported",
        actor=actor,
        wards=[w.code for _, w in found.matched],
        skipped=found.skipped,
    )
    db.session.flush()
    return found
