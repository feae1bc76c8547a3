"""Reading and writing pabulib files: every field survives, every malformed file names its line."""

import csv
import io
from fractions import Fraction

import pytest

from pb.tally import Election, pabulib, run
from pb.tally.pabulib import PabulibError
from tests.tally.conftest import pabulib_path

ROUND_TRIP = [
    "poland_wieliczka_2023.pb",
    "france_toulouse_2019_.pb",  # cumulative, points column
    "poland_krakow_2021_bienczyce.pb",  # ordinal with points
    "poland_czestochowa_2020_grabowka.pb",  # quoted names with quotes inside
    "poland_warszawa_2017_grochow-centrum.pb",  # no key;value line, decimal budget
    "poland_warszawa_2017_aleksandrow.pb",  # "None" cells
    "poland_lodz_2020_baluty-doly.pb",  # no newline at the end
]


def cells_of(text: str) -> list[list[str]]:
    """Every non-empty CSV row of a file, as the csv module sees it."""
    return [row for row in csv.reader(io.StringIO(text), delimiter=";") if row]


@pytest.mark.parametrize("name", ROUND_TRIP)
def test_reading_then_writing_keeps_every_field(name):
    text = pabulib_path(name).read_text(encoding="utf-8")
    data = pabulib.parse(text)
    written = pabulib.dumps(data)
    assert cells_of(written) == cells_of(text)
    again = pabulib.parse(written)
    assert again == data
    assert again.meta_header == data.meta_header


@pytest.mark.parametrize("name", ROUND_TRIP)
def test_written_file_tallies_the_same(name):
    path = pabulib_path(name)
    first = pabulib.read(path)
    again = pabulib.parse(pabulib.dumps(first))
    for rule in ("greedy", "equalshares"):
        assert run(first.election, rule).to_dict() == run(again.election, rule).to_dict()


def test_every_shared_field_is_kept_for_a_file_with_quotes():
    data = pabulib.read(pabulib_path("poland_czestochowa_2020_grabowka.pb"))
    names = [row[data.project_columns.index("name")] for row in data.projects]
    assert any(n.startswith('"Odkupmy" i my') for n in names)
    assert '"""Odkupmy"" i my' in pabulib.dumps(data)


def test_missing_key_value_line_is_understood_and_kept_missing():
    data = pabulib.read(pabulib_path("poland_warszawa_2017_grochow-centrum.pb"))
    assert data.meta_header is False
    assert data.meta["description"].startswith("Local PB in Warsaw")
    assert data.election.budget == Fraction("363734.88")
    assert pabulib.dumps(data).startswith("META\ndescription;")


GOOD = '''META
key;value
budget;100
vote_type;approval
PROJECTS
project_id;cost;name
a;60;"Park; with a ""view"""
b;40,5;none
VOTES
voter_id;vote
1;a,b
2;b
3;none
'''


def test_decimal_comma_none_cells_and_quoting():
    data = pabulib.parse(GOOD)
    election = data.election
    assert election.projects == {"a": 60, "b": Fraction("40.5")}
    assert data.projects[0][2] == 'Park; with a "view"'
    assert election.profile.num_voters == 3  # "none" is an empty ballot, still a voter
    assert run(election, "greedy").selected == ("b",)
    assert pabulib.parse(pabulib.dumps(data)) == data


def test_key_value_line_may_be_missing():
    text = GOOD.replace("key;value\n", "")
    data = pabulib.parse(text)
    assert data.meta == {"budget": "100", "vote_type": "approval"}
    assert not data.meta_header
    assert "key;value" not in pabulib.dumps(data)


def test_from_election_writes_a_file_that_reads_back():
    election = Election.from_ballots(
        {"x": 5, "y": 7}, 10, [{"x": 2, "y": 1}, {"y": 3}, {"x": 2, "y": 1}], "cumulative"
    )
    data = pabulib.from_election(election, {"description": "pot 7"}, selected=("y",))
    back = pabulib.parse(pabulib.dumps(data))
    assert back.meta["description"] == "pot 7"
    assert [row[-1] for row in back.projects] == ["0", "1"]
    assert run(back.election, "equalshares").to_dict() == run(election, "equalshares").to_dict()


def malformed(text: str) -> PabulibError:
    with pytest.raises(PabulibError) as info:
        pabulib.parse(text, "bad.pb")
    return info.value


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        (GOOD.replace("VOTES\n", "COMMENTS\nVOTES\n"), 9, "unknown section 'COMMENTS'"),
        (GOOD.replace("budget;100\n", "budget;100\nEXTRA\n"), 4, "unknown section 'EXTRA'"),
        (GOOD.replace("project_id;cost;name", "project_id;price;name"), 6, "missing column 'cost'"),
        (GOOD.replace("voter_id;vote\n", "voter_id;ballot\n"), 10, "missing column 'vote'"),
        (GOOD.replace("2;b\n", "2;b,zz\n"), 12, "unknown project 'zz'"),
        (GOOD.replace("2;b\n", "2;b,a,b\n"), 12, "names project 'b' twice"),
        (GOOD.replace("b;40,5;none", "b;-3;none"), 8, "negative cost -3"),
        (GOOD.replace("a;60;", "a;sixty;"), 7, "cost 'sixty' is not a number"),
        (GOOD.replace("b;40,5;none", "b;5"), 8, "expected 3 fields, found 2"),
        (GOOD.replace("b;40,5;none", "a;40;none"), 8, "project 'a' listed twice"),
        (GOOD.replace("budget;100\n", ""), 1, "META has no 'budget'"),
        (GOOD.replace("approval", "borda"), 4, "unknown vote_type 'borda'"),
        (GOOD.replace("VOTES\nvoter_id;vote\n1;a,b\n2;b\n3;none\n", ""), 9, "missing VOTES"),
        (GOOD.replace("PROJECTS\n", "VOTES\n", 1), 5, "VOTES section where PROJECTS should come"),
        ("a;b\n" + GOOD, 1, "must start with a META section"),
        (GOOD + "PROJECTS\n", 14, "second PROJECTS section"),
        # Rows after the VOTES title: the fast reader must name the same lines.
        (GOOD.replace("2;b\n", "2;b;paper\n"), 12, "expected 2 fields, found 3"),
        (GOOD.replace("2;b\n", "2\n"), 12, "expected 2 fields, found 1"),
        (GOOD.replace("2;b\n", "\n2;b,zz\n"), 13, "unknown project 'zz'"),
        (GOOD.replace("3;none\n", "3;b,zz\n"), 13, "unknown project 'zz'"),
        (GOOD.replace("voter_id;vote\n", "voter_id;vote\r\n").replace("2;b\n", "2;q\n"), 12, "'q'"),
        (GOOD + "META\n", 14, "second META section"),
    ],
)
def test_malformed_files_name_the_line_and_the_problem(text, line, problem):
    error = malformed(text)
    assert problem in error.message
    assert error.line == line
    assert str(error).startswith(f"bad.pb: line {line}: ")


POINTS = """META
key;value
budget;10
vote_type;{vote_type}
max_length;2
PROJECTS
project_id;cost
a;4
b;6
VOTES
voter_id;vote;points
1;a,b;{points}
"""


def test_points_in_an_approval_file_are_refused():
    error = malformed(POINTS.format(vote_type="approval", points="2,1"))
    assert (error.line, error.message) == (12, "points given in an approval file")


def test_ordinal_points_must_match_the_ranking():
    ok = pabulib.parse(POINTS.format(vote_type="ordinal", points="2,1"))
    assert run(ok.election, "greedy").project("a").score == 2
    error = malformed(POINTS.format(vote_type="ordinal", points="5,1"))
    assert error.line == 12 and "disagree" in error.message


def test_cumulative_needs_whole_points_matching_the_projects():
    text = POINTS.format(vote_type="cumulative", points="3")
    assert malformed(text).message == "2 projects but 1 points"
    text = POINTS.format(vote_type="cumulative", points="1.5,1")
    assert "whole numbers" in malformed(text).message
    no_points = POINTS.format(vote_type="cumulative", points="1,1").replace(";points", "")
    no_points = no_points.replace("1;a,b;1,1", "1;a,b")
    error = malformed(no_points)
    assert (error.line, error.message) == (11, "missing column 'points' in a cumulative file")


def test_ranking_longer_than_max_length():
    text = POINTS.format(vote_type="ordinal", points="none").replace("max_length;2", "max_length;1")
    error = malformed(text)
    assert error.line == 12 and "max_length is 1" in error.message


def test_a_quoted_cell_spanning_lines_keeps_line_numbers_right():
    text = GOOD.replace('"Park; with a ""view"""', '"Park\nwith a view"').replace("2;b\n", "2;q\n")
    error = malformed(text)
    assert error.line == 13  # one more physical line than without the newline


def test_zero_cost_projects_are_kept_and_left_out_of_the_count():
    """A withdrawn project at cost 0 (Gdynia 2020 lists one): read, named, not counted."""
    text = GOOD.replace("b;40,5;none", "b;0;withdrawn")
    data = pabulib.parse(text, "gdynia.pb")
    assert data.zero_cost == ("b",)
    assert [row[0] for row in data.projects] == ["a", "b"]  # still in the file as written
    assert list(data.election.projects) == ["a"]
    # Ballots naming it still count for the rest: voter 1 chose a and b, voter 2 only b.
    assert data.election.supporters.tolist() == [1]
    assert data.election.profile.num_voters == 3
    assert cells_of(pabulib.dumps(data)) == cells_of(text)


def test_what_real_files_hold_is_read():
    """No key;value line, decimal costs with a comma, quoted fields, unknown extra columns."""
    text = (
        "META\ndescription;A test\nbudget;100,50\nvote_type;approval\n"
        'PROJECTS\nproject_id;cost;name;colour\na;60.25;"Park; with a ""view""";green\n'
        "b;40,25;Path;blue\n"
        "VOTES\nvoter_id;vote;shoe_size\n1;a,b;42\n2;b;38\n"
    )
    data = pabulib.parse(text)
    assert data.meta_header is False
    assert data.election.budget == Fraction("100.5")
    assert data.election.projects == {"a": Fraction("60.25"), "b": Fraction("40.25")}
    assert data.projects[0] == ["a", "60.25", 'Park; with a "view"', "green"]
    assert data.vote_columns == ["voter_id", "vote", "shoe_size"]
    assert [row[2] for row in data.votes] == ["42", "38"]
    assert cells_of(pabulib.dumps(data)) == cells_of(text)


@pytest.mark.parametrize("quoted", [False, True])
def test_the_fast_and_the_general_reader_agree(quoted):
    """The VOTES section is read in one go unless it has quotes; both give the same file."""
    text = pabulib_path("poland_wieliczka_2023.pb").read_text(encoding="utf-8")
    if quoted:  # a quote in the VOTES section sends it through the general reader
        text = text.replace("\nVOTES\nvoter_id", '\nVOTES\n"voter_id"', 1)
    data = pabulib.parse(text)
    general = pabulib._parse_records(pabulib._records(text), "<text>")
    assert data == general
    assert data.line_numbers["VOTES"][5] == general.line_numbers["VOTES"][5]
    assert run(data.election, "greedy").to_dict() == run(general.election, "greedy").to_dict()


@pytest.mark.parametrize("name", ["poland_lodz_2020_baluty-doly.pb", "poland_wieliczka_2023.pb"])
def test_approval_profiles_are_built_as_the_election_builds_them(name):
    """The reader's quick approval profile equals Profile.from_counts on the same ballots."""
    data = pabulib.read(pabulib_path(name))
    election = data.election
    ids = election.project_ids
    ballots = [
        set(ids[i] for i in ballot) for ballot, n in election.profile.rows() for _ in range(n)
    ]
    again = Election.from_ballots(dict(election.projects), election.budget, ballots, "approval")
    for part in ("indptr", "items", "weights", "counts"):
        assert getattr(election.profile, part).tolist() == getattr(again.profile, part).tolist()


@pytest.mark.parametrize(
    ("cost", "written"),
    [
        (Fraction(25, 2), "12.5"),
        (Fraction(1, 100_000), "0.00001"),
        (Fraction(123456789012345678901, 100), "1234567890123456789.01"),
        (7, "7"),
    ],
)
def test_decimal_money_is_written_exactly_and_reads_back(cost, written):
    election = Election.from_ballots({"a": cost, "b": 1}, 10, [{"a"}, {"b"}])
    text = pabulib.dumps(pabulib.from_election(election, {}))
    assert f"a;{written};" in text
    assert pabulib.parse(text).election.projects["a"] == cost
