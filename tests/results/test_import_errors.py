"""`pb import-pabulib` on files that break it: a clear message, nothing kept (issue 14: a
missing date, a numeric overflow and a 128 KiB field gave tracebacks, and ballots breaking the
pot's own rules were imported, whose package then failed verify)."""

from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import func, select

from pb.cli import cli
from pb.extensions import db
from pb.pots.models import Pot
from pb.voting.models import Ballot

SMALL = (
    Path(__file__).resolve().parents[3] / "shared/pabulib/poland_warszawa_2018_pole-mokotowskie.pb"
)

BROKEN = {
    "no date": (
        lambda s: (
            "\n".join(
                line
                for line in s.splitlines()
                if not line.startswith(("instance;", "date_begin;", "date_end;"))
            )
            + "\n"
        ),
        "META gives no year",
    ),
    "overflow": (
        lambda s: s.replace("budget;21064", "budget;99999999999999999999999"),
        "too large to store",
    ),
    "128 KiB field": (lambda s: s.replace("Dobre grzyby", "X" * 131072), "longer than 128 KiB"),
    "ballots over the cap": (
        lambda s: s.replace("max_sum_cost;21064", "max_sum_cost;100"),
        "break the pot's own rules",
    ),
}


def _counts():
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Pot, Ballot))


@pytest.mark.skipif(not SMALL.exists(), reason="shared data absent")
@pytest.mark.parametrize("case", BROKEN)
def test_broken_files_are_refused_with_a_reason_and_leave_nothing(app, tmp_path, case):
    change, reason = BROKEN[case]
    path = tmp_path / "broken.pb"
    path.write_text(change(SMALL.read_text()))
    before = _counts()
    result = CliRunner().invoke(
        cli, ["import-pabulib", str(path)], obj=ScriptInfo(create_app=lambda: app)
    )
    assert result.exit_code == 1, result.output
    assert reason in result.output and "Traceback" not in result.output
    assert _counts() == before
