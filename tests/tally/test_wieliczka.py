"""Wieliczka's Green Million 2023 was decided with equal shares (add1): we must reproduce it."""

from pb.tally import pabulib, run
from tests.tally.conftest import pabulib_path


def test_wieliczka_2023_official_outcome_is_reproduced():
    data = pabulib.read(pabulib_path("poland_wieliczka_2023.pb"))
    columns = data.project_columns
    official = {
        row[columns.index("project_id")]
        for row in data.projects
        if row[columns.index("selected")].strip() == "1"
    }
    assert data.meta["rule"] == "equalshares/add1"
    outcome = run(data.election, "equalshares/add1")
    assert set(outcome.selected) == official
    assert len(outcome.selected) == len(official) == 30
    assert outcome.total_cost <= 1_000_000
    # Plain equal shares would have funded something else and spent less: add1 decided it.
    plain = run(data.election, "equalshares")
    assert set(plain.selected) != official
    assert plain.total_cost < outcome.total_cost
