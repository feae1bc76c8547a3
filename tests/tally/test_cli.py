"""`pb tally` / `python -m pb.tally`: tables for people, JSON lines for machines, status 2."""

import hashlib
import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from pb.tally.cli import tally_command
from tests.tally.conftest import pabulib_path

TIES = """META
key;value
budget;100
vote_type;approval
rule;{rule}
PROJECTS
project_id;cost
x;60
y;60
z;30
VOTES
voter_id;vote
1;x,y
2;x,y,z
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def invoke(*args: str):
    return CliRunner().invoke(tally_command, [str(a) for a in args], catch_exceptions=False)


def test_json_lines_have_what_tools_need(tmp_path):
    path = write(tmp_path, "ties.pb", TIES.format(rule="greedy"))
    result = invoke(path, "--json", "--seed", "s")
    assert result.exit_code == 0
    (line,) = result.output.splitlines()
    data = json.loads(line)
    assert data["file"] == "ties.pb"
    assert data["rule"] == "greedy" and data["seed"] == "s"
    assert data["budget"] == 100
    assert all(isinstance(pid, str) for pid in data["selected"])
    assert data["total_cost"] == sum({"x": 60, "y": 60, "z": 30}[p] for p in data["selected"])
    assert {p["project_id"] for p in data["projects"]} == {"x", "y", "z"}


def test_the_seed_reaches_the_lottery(tmp_path):
    # x and y tie on votes, cost and supporters: the lottery for the given seed decides.
    path = write(tmp_path, "ties.pb", TIES.format(rule="greedy"))
    for seed in ("1", "s", "pot-7"):
        first = min("xy", key=lambda p: hashlib.sha256(f"{seed}:{p}".encode()).hexdigest())
        assert json.loads(invoke(path, "--json", "--seed", seed).output)["selected"][0] == first


def test_rule_comes_from_meta_unless_given(tmp_path):
    add1 = write(tmp_path, "a.pb", TIES.format(rule="equalshares/add1"))
    other = write(tmp_path, "b.pb", TIES.format(rule="unknown-rule"))
    lines = [json.loads(line) for line in invoke(add1, other, "--json").output.splitlines()]
    assert [d["rule"] for d in lines] == ["equalshares/add1", "greedy"]
    forced = json.loads(invoke(add1, "--json", "--rule", "equalshares").output)
    assert forced["rule"] == "equalshares"


def test_plain_output_is_a_table_per_file(tmp_path):
    path = write(tmp_path, "ties.pb", TIES.format(rule="greedy"))
    result = invoke(path, path, "--seed", "s")
    assert result.exit_code == 0
    assert result.output.count("ties.pb\n=======") == 2
    assert "round  project  cost  supporters  score  result" in result.output
    assert "not funded: did not fit: 40 left, needed 60" in result.output


def test_bad_file_reports_and_exits_2_after_the_others(tmp_path):
    bad = write(tmp_path, "bad.pb", TIES.format(rule="greedy").replace("1;x,y", "1;x,q"))
    good = write(tmp_path, "good.pb", TIES.format(rule="greedy"))
    result = CliRunner().invoke(tally_command, [str(bad), str(tmp_path / "nope.pb"), str(good)])
    assert result.exit_code == 2
    assert "bad.pb: line 13: the ballot names unknown project 'q'" in result.output
    assert "nope.pb" in result.output
    assert "good.pb\n" in result.output  # the good file was still tallied, after the bad ones


def test_json_mode_marks_the_bad_file(tmp_path):
    bad = write(tmp_path, "bad.pb", TIES.format(rule="greedy").replace("x;60", "x;-1"))
    result = CliRunner().invoke(tally_command, [str(bad), "--json"])
    assert result.exit_code == 2
    line = next(ln for ln in result.output.splitlines() if ln.startswith("{"))
    assert json.loads(line) == {
        "file": "bad.pb",
        "error": "bad.pb: line 8: project 'x' has a negative cost -1",
        "line": 8,
    }


def test_wieliczka_from_the_command_line():
    result = invoke(pabulib_path("poland_wieliczka_2023.pb"), "--json")
    data = json.loads(result.output)
    assert data["rule"] == "equalshares/add1"
    assert len(data["selected"]) == 30 and data["total_cost"] <= 1_000_000


def test_python_dash_m_runs_without_app_configuration(tmp_path):
    path = write(tmp_path, "ties.pb", TIES.format(rule="greedy"))
    done = subprocess.run(
        [sys.executable, "-m", "pb.tally", str(path), "--json"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        env={"PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["file"] == "ties.pb"


def test_pb_tally_starts_without_loading_the_web_app():
    import subprocess
    import sys

    from tests.tally.conftest import pabulib_path

    path = pabulib_path("poland_warszawa_2018_falenica.pb")
    code = (
        "import sys\n"
        f"sys.argv = ['pb', 'tally', {str(path)!r}, '--json']\n"
        "from pb.entry import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('flask loaded' if 'flask' in sys.modules else 'no flask')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    lines = done.stdout.strip().splitlines()
    assert lines[-1] == "no flask"
    assert '"rule": "greedy"' in lines[0]
