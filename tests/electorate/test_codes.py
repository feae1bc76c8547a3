import csv
import io
import re

import pytest
from sqlalchemy import select

from pb.audit.models import AuditEvent
from pb.electorate.models import AccessCode, AccessCodeBatch
from pb.electorate.services import (
    code_status,
    format_code,
    generate_batch,
    normalise_code,
)
from pb.extensions import db
from pb.voting.models import Participation
from tests.electorate.uploads import text
from tests.factories import make_pot, make_user

STORED = re.compile(r"^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{12}$")
PRINTED = re.compile(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}\b")


@pytest.fixture
def pot(world):
    return make_pot(world.council, world.north, phase="review", eligibility_mode="codes")


@pytest.fixture
def panel(world, login):
    user = make_user(roles=[("panel", world.north.id)])
    login(user)
    return user


def _codes(batch_id):
    return db.session.scalars(select(AccessCode).where(AccessCode.batch_id == batch_id)).all()


def _make(client, pot, count=50, label="Letters to every household"):
    response = client.post(f"/panel/pots/{pot.id}/codes", data={"label": label, "count": count})
    assert response.status_code == 303, text(response)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_a_batch_has_the_asked_number_of_unique_unambiguous_codes(client, panel, pot):
    batch_id = _make(client, pot, count=500)
    codes = _codes(batch_id)
    assert len(codes) == 500
    assert len({c.code for c in codes}) == 500
    assert all(STORED.match(c.code) for c in codes)
    assert not any(set(c.code) & set("01OIL") for c in codes)
    assert {c.pot_id for c in codes} == {pot.id}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.type == "codes.generated"))
    assert event.pot_id == pot.id and event.actor_id == panel.id
    assert event.payload == {"batch": batch_id, "label": "Letters to every household", "count": 500}


def test_codes_are_unique_across_batches_and_pots(world, pot, panel):
    other = make_pot(world.council, world.south, phase="review")
    first = generate_batch(pot, "A", 300, panel)
    second = generate_batch(other, "B", 300, panel)
    codes = [c.code for c in _codes(first.id) + _codes(second.id)]
    assert len(set(codes)) == 600


@pytest.mark.parametrize(
    "data, message",
    [
        ({"label": "Post", "count": "0"}, "A batch holds 1 to 20,000 codes."),
        ({"label": "Post", "count": "20001"}, "A batch holds 1 to 20,000 codes."),
        ({"label": "Post", "count": "lots"}, "Enter a whole number, like 500."),
        ({"label": "Post", "count": ""}, "Enter how many codes to make."),
        ({"label": "   ", "count": "5"}, "Enter a name for the batch."),
        ({"label": "x" * 121, "count": "5"}, "The name must be at most 120 characters."),
    ],
)
def test_a_bad_batch_request_makes_nothing_and_says_why(client, panel, pot, data, message):
    response = client.post(f"/panel/pots/{pot.id}/codes", data=data)
    assert response.status_code == 422
    assert message in text(response)
    assert db.session.scalars(select(AccessCodeBatch)).all() == []


def test_no_codes_are_made_once_voting_has_closed(client, panel, world):
    pot = make_pot(world.council, world.north, phase="closed")
    response = client.post(f"/panel/pots/{pot.id}/codes", data={"label": "Late", "count": 5})
    assert response.status_code == 409
    assert "can no longer change" in text(response)
    assert db.session.scalars(select(AccessCodeBatch)).all() == []


def test_the_codes_page_counts_each_batch(client, panel, pot):
    batch_id = _make(client, pot, count=4, label="Spring post")
    first, second, *_ = _codes(batch_id)
    db.session.add(Participation(pot_id=pot.id, access_code_id=first.id))
    db.session.commit()
    assert (
        client.post(
            f"/panel/pots/{pot.id}/codes/void", data={"code": second.code, "reason": "Returned"}
        ).status_code
        == 303
    )
    page = client.get(f"/panel/pots/{pot.id}/codes")
    assert page.status_code == 200
    row = re.search(r"Spring post</a></td>(.*?)</tr>", page.text, re.S).group(1)
    assert re.findall(r'--numeric pb-num">(\d+)<', row) == ["4", "1", "1"]
    assert format_code(second.code) in page.text and "Returned" in page.text


def test_the_csv_export_lists_every_code_with_its_status(client, panel, pot):
    batch_id = _make(client, pot, count=3, label="=cmd|' /C calc'!A0")
    used, void, unused = _codes(batch_id)
    db.session.add(Participation(pot_id=pot.id, access_code_id=used.id))
    void.voided_at, void.void_reason = used.batch.created_at, "Lost"
    db.session.commit()
    response = client.get(f"/panel/pots/{pot.id}/codes/{batch_id}/codes.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["code", "batch", "status"]
    assert rows[1:] == [
        [format_code(used.code), "'=cmd|' /C calc'!A0", "used"],
        [format_code(void.code), "'=cmd|' /C calc'!A0", "void"],
        [format_code(unused.code), "'=cmd|' /C calc'!A0", "unused"],
    ]


def test_the_printable_sheet_has_a_slip_per_unused_code(client, panel, pot):
    batch_id = _make(client, pot, count=3)
    codes = _codes(batch_id)
    codes[0].voided_at, codes[0].void_reason = codes[0].batch.created_at, "Lost"
    db.session.commit()
    page = client.get(f"/panel/pots/{pot.id}/codes/{batch_id}/print")
    assert page.status_code == 200
    body = text(page)
    assert PRINTED.findall(body) == [format_code(c.code) for c in codes[1:]]
    assert body.count(pot.name) >= 3
    # No BASE_URL in the tests: the address the (test) server listens on.
    assert body.count(f"http://localhost/pots/{pot.id}/ballot/prove") == 2
    assert "print.css" in body and "style=" not in body


def test_voiding_a_code_is_recorded_with_its_reason(client, panel, pot):
    batch_id = _make(client, pot, count=2)
    code = _codes(batch_id)[0]
    typed = format_code(code.code).lower().replace("-", " ")
    response = client.post(
        f"/panel/pots/{pot.id}/codes/void", data={"code": typed, "reason": "Letter returned"}
    )
    assert response.status_code == 303
    assert "is void" in text(client.get(response.headers["Location"]))
    db.session.refresh(code)
    assert code.voided_at is not None and code.void_reason == "Letter returned"
    assert code_status(pot, code.code)[0] == "void"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.type == "code.voided"))
    assert event.actor_id == panel.id and event.pot_id == pot.id
    assert event.payload == {
        "code": format_code(code.code),
        "batch": batch_id,
        "reason": "Letter returned",
    }
    again = client.post(
        f"/panel/pots/{pot.id}/codes/void", data={"code": code.code, "reason": "Twice"}
    )
    assert again.status_code == 409 and "already voided: Letter returned" in text(again)


def test_a_used_code_cannot_be_voided(client, panel, pot):
    code = _codes(_make(client, pot, count=1))[0]
    db.session.add(Participation(pot_id=pot.id, access_code_id=code.id))
    db.session.commit()
    response = client.post(
        f"/panel/pots/{pot.id}/codes/void", data={"code": code.code, "reason": "Oops"}
    )
    assert response.status_code == 409
    assert "has already been used to vote, so it cannot be voided" in text(response)
    db.session.refresh(code)
    assert code.voided_at is None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.type == "code.voided")) is None


@pytest.mark.parametrize(
    "data, message, status",
    [
        ({"code": "ABCD-EFGH-JKMN", "reason": ""}, "Enter why the code is being voided.", 422),
        ({"code": "ABCD", "reason": "Lost"}, "An access code has 12 letters and digits", 422),
        ({"code": "ABCD-EFGH-JKMN", "reason": "Lost"}, "is not an access code of", 409),
    ],
)
def test_voiding_needs_a_known_code_and_a_reason(client, panel, pot, data, message, status):
    response = client.post(f"/panel/pots/{pot.id}/codes/void", data=data)
    assert response.status_code == status
    assert message in text(response)


def test_a_code_of_another_pot_cannot_be_voided_here(client, panel, world, pot):
    other = make_pot(world.council, world.north, phase="review")
    code = _codes(_make(client, other, count=1))[0]
    response = client.post(
        f"/panel/pots/{pot.id}/codes/void", data={"code": code.code, "reason": "Lost"}
    )
    assert response.status_code == 409
    db.session.refresh(code)
    assert code.voided_at is None


def test_code_status_tells_each_state_apart(world, pot, panel):
    batch = generate_batch(pot, "Post", 3, panel)
    fresh, used, void = _codes(batch.id)
    db.session.add(Participation(pot_id=pot.id, access_code_id=used.id))
    void.voided_at = batch.created_at
    db.session.commit()

    typed = " " + format_code(fresh.code).lower() + " "
    assert code_status(pot, typed) == ("ok", fresh)
    assert code_status(pot, used.code) == ("used", used)
    assert code_status(pot, void.code) == ("void", void)
    assert code_status(pot, "ABCD-EFGH-JKMN") == ("unknown", None)
    assert code_status(pot, "not a code") == ("unknown", None)
    assert code_status(pot, None) == ("unknown", None)
    assert code_status(world.voting_pot, fresh.code) == ("unknown", None)


def test_normalise_code():
    assert normalise_code("abcd-efgh-jkmn") == "ABCDEFGHJKMN"
    assert normalise_code(" ABCD EFGH\tJKMN ") == "ABCDEFGHJKMN"
    assert normalise_code("ABCD-EFGH-JKM0") is None  # 0 is never used
    assert normalise_code("ABCD-EFGH-JKM") is None
    assert normalise_code("") is None
    assert format_code("ABCDEFGHJKMN") == "ABCD-EFGH-JKMN"


def test_batches_of_other_pots_are_404(client, panel, world, pot):
    batch_id = _make(client, pot, count=1)
    other = make_pot(world.council, world.north, phase="review")
    for suffix in ("", "/codes.csv", "/print"):
        assert client.get(f"/panel/pots/{other.id}/codes/{batch_id}{suffix}").status_code == 404
        assert client.get(f"/panel/pots/{pot.id}/codes/999999{suffix}").status_code == 404


@pytest.mark.parametrize(
    "roles, status", [((), 403), ((("panel", "south"),), 403), ((("admin", None),), 200)]
)
def test_only_the_pots_panel_and_admins_handle_codes(client, login, world, pot, roles, status):
    batch = generate_batch(pot, "Post", 1, make_user(roles=[("admin", None)]))
    db.session.commit()
    wards = {"south": world.south.id, None: None}
    login(make_user(roles=[(role, wards[ward]) for role, ward in roles]))
    base = f"/panel/pots/{pot.id}/codes"
    for path in (
        base,
        f"{base}/{batch.id}",
        f"{base}/{batch.id}/codes.csv",
        f"{base}/{batch.id}/print",
        f"{base}/void",
    ):
        assert client.get(path).status_code == status, path
    response = client.post(base, data={"label": "More", "count": 2})
    assert response.status_code == (303 if status == 200 else status)
    response = client.post(f"{base}/void", data={"code": batch.codes[0].code, "reason": "x"})
    assert response.status_code == (303 if status == 200 else status)


def test_anonymous_visitors_are_sent_to_log_in(client, pot):
    for path in (f"/panel/pots/{pot.id}/codes", f"/panel/pots/{pot.id}/codes/void"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    ("count", "lang", "said"),
    [
        (1, "en-GB", "1 access code was made."),
        (1_200, "en-GB", "1,200 access codes were made."),
        (1, "pl", "Utworzono 1 kod dostępu."),
        (3, "pl", "Utworzono 3 kody dostępu."),
        (5, "pl", "Utworzono 5 kodów dostępu."),
        (1, "cy", "Crëwyd 1 cod mynediad."),
    ],
)
def test_the_count_of_codes_made_takes_the_language_s_plural(client, panel, pot, count, lang, said):
    headers = {"Accept-Language": lang}
    data = {"label": "Letters", "count": count}
    response = client.post(f"/panel/pots/{pot.id}/codes", data=data, headers=headers)
    assert said in text(client.get(response.headers["Location"], headers=headers))
