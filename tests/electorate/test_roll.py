import re
from datetime import date

import pytest
from sqlalchemy import select

from pb import create_app, csvimport
from pb.audit.models import AuditEvent
from pb.electorate.models import VoterRollEntry
from pb.electorate.services import match_roll_entry, roll_entry_used
from pb.extensions import db
from pb.voting.models import Participation
from tests.electorate.uploads import post_file, text, upload, upload_and_preview
from tests.factories import PASSWORD, make_pot, make_user

CLEAN = (
    "Elector_Number,Postcode,DOB\n"
    "n-001,ab1 1aa,1980-05-01\n"
    "N-002,AB1 1AB,02/03/1975\n"
    '"N-003","AB11AA","2000-12-31"\n'
)


@pytest.fixture
def pot(world):
    return make_pot(world.council, world.north, phase="review", eligibility_mode="roll")


@pytest.fixture
def panel(world, login):
    user = make_user(roles=[("panel", world.north.id)])
    login(user)
    return user


def _entries(pot):
    query = select(VoterRollEntry).where(VoterRollEntry.pot_id == pot.id)
    return db.session.scalars(query.order_by(VoterRollEntry.reference)).all()


def test_the_preview_lists_every_bad_row_by_line_and_offers_no_import(client, panel, pot):
    db.session.add(
        VoterRollEntry(
            pot_id=pot.id, reference="OLD1", postcode="AB1 1AA", date_of_birth=date(1970, 1, 1)
        )
    )
    db.session.commit()
    content = (
        "reference,postcode,date_of_birth\n"
        "E1,AB1 1AA,1980-05-01\n"
        ",AB1 1AA,1980-05-01\n"
        "E3,NOTAPC,1980-05-01\n"
        "E4,AB1 1AA,1990-02-30\n"
        "E5,AB1 1AA,2999-01-01\n"
        "e1,AB1 1AB,1970-01-01\n"
        "E7,AB2 2BB,1970-01-01\n"
        "old1,AB1 1AA,01/02/1975\n"
        "E9,,\n"
    )
    _, page = upload_and_preview(client, f"/panel/pots/{pot.id}/roll", content)
    assert page.status_code == 200
    body = text(page)
    for expected in [
        "Line 3: The elector reference is missing.",
        "Line 4: 'NOTAPC' is not a UK postcode.",
        "Line 5: The date of birth '1990-02-30' is not a real date",
        "Line 6: The date of birth 2999-01-01 is in the future.",
        "Line 7: The elector reference E1 is also on line 2.",
        "Line 8: The postcode AB2 2BB is not in North.",
        "Line 9: The elector reference OLD1 is already on this pot's roll.",
        "Line 10: The postcode is missing.",
        "Line 10: The date of birth is missing.",
    ]:
        assert expected in body
    assert "Line 2:" not in body
    assert "9 problems in the file" in body
    assert "Nothing can be imported" in body
    assert 'type="submit">Import' not in page.text
    assert [e.reference for e in _entries(pot)] == ["OLD1"]


def test_a_clean_file_is_previewed_then_imported_whole(client, panel, pot):
    preview_url, page = upload_and_preview(client, f"/panel/pots/{pot.id}/roll", CLEAN)
    body = text(page)
    assert "Import 3 entries" in body
    assert "N-001" in body and "AB1 1AA" in body and "1975-03-02" in body
    assert _entries(pot) == []  # the preview writes nothing

    response = client.post(preview_url)
    assert response.status_code == 303
    assert "3 entries were added" in text(client.get(response.headers["Location"]))
    assert [(e.reference, e.postcode, e.date_of_birth) for e in _entries(pot)] == [
        ("N-001", "AB1 1AA", date(1980, 5, 1)),
        ("N-002", "AB1 1AB", date(1975, 3, 2)),
        ("N-003", "AB1 1AA", date(2000, 12, 31)),
    ]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.type == "roll.imported"))
    assert (event.pot_id, event.actor_id, event.payload) == (pot.id, panel.id, {"count": 3})

    # The kept file is gone: confirming twice cannot import twice.
    again = client.post(preview_url)
    assert again.status_code == 303
    assert "expired" in text(client.get(again.headers["Location"]))
    assert len(_entries(pot)) == 3


def test_the_file_is_checked_again_when_the_import_is_confirmed(client, panel, pot):
    preview_url, page = upload_and_preview(client, f"/panel/pots/{pot.id}/roll", CLEAN)
    assert "Import 3 entries" in text(page)
    # Meanwhile another upload puts one of the references on the roll.
    db.session.add(
        VoterRollEntry(
            pot_id=pot.id, reference="N-002", postcode="AB1 1AB", date_of_birth=date(1975, 3, 2)
        )
    )
    db.session.commit()

    response = client.post(preview_url)
    assert response.status_code == 422
    body = text(response)
    assert "nothing was imported" in body
    assert "Line 3: The elector reference N-002 is already on this pot's roll." in body
    assert [e.reference for e in _entries(pot)] == ["N-002"]


def test_a_council_wide_pot_takes_postcodes_of_any_ward(client, login, world):
    pot = make_pot(world.council, None, phase="draft")
    login(make_user(roles=[("panel", None)]))
    content = "ref,postcode,dob\nA,AB1 1AA,1980-01-01\nB,AB2 2BB,1980-01-01\nC,ZZ9 9ZZ,1980-01-01\n"
    _, page = upload_and_preview(client, f"/panel/pots/{pot.id}/roll", content)
    body = text(page)
    assert "Line 4: The postcode ZZ9 9ZZ is not in Testshire Council." in body
    assert "Line 3:" not in body


def test_a_file_that_is_not_utf8_is_refused_clearly(client, panel, pot):
    response = upload(
        client,
        f"/panel/pots/{pot.id}/roll",
        "reference,postcode,dob\nMüller,AB1 1AA,1980-01-01\n".encode("cp1252"),
    )
    assert response.status_code == 422
    assert "The file is not UTF-8 text (the first problem is on line 2)" in text(response)


def test_missing_columns_and_missing_files_are_refused_clearly(client, panel, pot):
    response = upload(client, f"/panel/pots/{pot.id}/roll", "reference,postcode\nA,AB1 1AA\n")
    assert response.status_code == 422
    assert "no column for: date of birth (headed date_of_birth or dob)" in text(response)
    response = client.post(f"/panel/pots/{pot.id}/roll", data={})
    assert response.status_code == 422
    assert "Choose the CSV file of the voter roll." in text(response)


def test_an_oversize_file_is_refused_clearly(client, panel, pot):
    header = b"reference,postcode,dob\n"
    big = header + b"x" * csvimport.MAX_BYTES
    response = upload(client, f"/panel/pots/{pot.id}/roll", big)
    assert response.status_code == 422
    assert "The file is larger than 5 MB." in text(response)
    # Far beyond the limit, the request itself is refused before it is read.
    huge = header + b"x" * (2 * csvimport.MAX_BYTES)
    response = upload(client, f"/panel/pots/{pot.id}/roll", huge)
    assert response.status_code == 413
    assert "That file is too large" in text(response)


def test_a_file_with_too_many_rows_is_refused(client, panel, pot, monkeypatch):
    monkeypatch.setattr(csvimport, "MAX_ROWS", 2)
    response = upload(client, f"/panel/pots/{pot.id}/roll", CLEAN)
    assert response.status_code == 422
    assert "The file has more than 2 rows." in text(response)


@pytest.mark.committing  # the second app talks to the database on its own connection
def test_uploads_above_the_usual_request_limit_pass_the_csrf_check(app, database_url, pot, world):
    strict = create_app(
        "test",
        SQLALCHEMY_DATABASE_URI=database_url,
        WTF_CSRF_ENABLED=True,
        MAIL_OUTBOX=app.config["MAIL_OUTBOX"],
        INSTANCE_DIR=app.config["INSTANCE_DIR"],
        MAX_CONTENT_LENGTH=1024 * 1024,
    )
    panel = make_user(roles=[("panel", world.north.id)])
    email, pot_id = panel.email, pot.id
    db.session.close()  # SQLite: let go of the lock before the other app writes
    padding = "x" * 100 + ",x,x\n"
    content = CLEAN + padding * (2 * 1024 * 1024 // len(padding))
    # Requests push their own app context, so that each has its own `g` as in production.
    client = strict.test_client()
    token = _csrf_token(client.get("/login"))
    login = {"email": email, "password": PASSWORD, "csrf_token": token}
    assert client.post("/login", data=login).status_code == 302
    token = _csrf_token(client.get(f"/panel/pots/{pot_id}/roll"))
    response = post_file(
        client, f"/panel/pots/{pot_id}/roll", content.encode(), "big.csv", csrf_token=token
    )
    assert response.status_code == 303, text(response)
    # Other forms keep the app's usual limit.
    response = client.post(
        f"/panel/pots/{pot_id}/codes", data={"csrf_token": token, "label": content}
    )
    assert response.status_code == 413
    with strict.app_context():
        db.engine.dispose()


def _csrf_token(page) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)


def test_the_roll_cannot_change_once_voting_has_opened(client, panel, world):
    pot = make_pot(world.council, world.north, phase="voting", eligibility_mode="roll")
    page = client.get(f"/panel/pots/{pot.id}/roll")
    assert page.status_code == 200 and "can no longer change" in text(page)
    response = upload(client, f"/panel/pots/{pot.id}/roll", CLEAN)
    assert response.status_code == 409
    assert _entries(pot) == []


def test_voting_opening_after_the_preview_stops_the_import(client, panel, pot):
    preview_url, _ = upload_and_preview(client, f"/panel/pots/{pot.id}/roll", CLEAN)
    pot.phase = "voting"
    db.session.commit()
    response = client.post(preview_url)
    assert response.status_code == 409
    assert "can no longer change" in text(response)
    assert _entries(pot) == []


def test_an_upload_is_only_for_its_pot_and_the_person_who_sent_it(client, login, world, pot, panel):
    preview_url, _ = upload_and_preview(client, f"/panel/pots/{pot.id}/roll", CLEAN)
    token = preview_url.rsplit("/", 1)[1]
    other_pot = make_pot(world.council, world.north, phase="review")
    response = client.post(f"/panel/pots/{other_pot.id}/roll/uploads/{token}")
    assert response.status_code == 303
    login(make_user(roles=[("panel", world.north.id)]))
    assert client.post(preview_url).status_code == 303
    assert _entries(pot) == [] and _entries(other_pot) == []
    assert client.get(f"/panel/pots/{pot.id}/roll/uploads/..%2Fsecret_key").status_code == 404
    assert client.get(f"/panel/pots/{pot.id}/roll/uploads/bad.token").status_code == 404


@pytest.mark.parametrize(
    "roles, status", [((), 403), ((("panel", "south"),), 403), ((("admin", None),), 200)]
)
def test_only_the_pots_panel_and_admins_see_the_roll(client, login, world, pot, roles, status):
    wards = {"south": world.south.id, None: None}
    login(make_user(roles=[(role, wards[ward]) for role, ward in roles]))
    assert client.get(f"/panel/pots/{pot.id}/roll").status_code == status
    response = upload(client, f"/panel/pots/{pot.id}/roll", CLEAN)
    assert response.status_code == (303 if status == 200 else status)


def test_anonymous_visitors_are_sent_to_log_in(client, pot):
    response = client.get(f"/panel/pots/{pot.id}/roll")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_unknown_pots_are_404(client, panel):
    assert client.get("/panel/pots/999999/roll").status_code == 404


def test_match_roll_entry_ignores_case_spacing_and_postcode_layout(world, pot):
    entry = VoterRollEntry(
        pot_id=pot.id, reference="AB-123", postcode="AB1 1AA", date_of_birth=date(1980, 5, 1)
    )
    db.session.add(entry)
    db.session.commit()
    born = date(1980, 5, 1)
    assert match_roll_entry(pot, "  ab-123 ", "ab11aa", born) is entry
    assert match_roll_entry(pot, "AB-123", "AB1 1AA", date(1980, 5, 2)) is None
    assert match_roll_entry(pot, "AB-124", "AB1 1AA", born) is None
    assert match_roll_entry(pot, "AB-123", "AB1 1AB", born) is None
    assert match_roll_entry(pot, "AB-123", "not a postcode", born) is None
    assert match_roll_entry(pot, "", "AB1 1AA", born) is None
    assert match_roll_entry(world.voting_pot, "AB-123", "AB1 1AA", born) is None


def test_a_roll_entry_is_used_once_a_participation_names_it(pot):
    entry = VoterRollEntry(
        pot_id=pot.id, reference="A1", postcode="AB1 1AA", date_of_birth=date(1980, 5, 1)
    )
    db.session.add(entry)
    db.session.commit()
    assert roll_entry_used(entry) is False
    db.session.add(Participation(pot_id=pot.id, roll_entry_id=entry.id))
    db.session.commit()
    assert roll_entry_used(entry) is True


def test_the_preview_shows_the_first_twenty_entries(client, panel, pot):
    rows = "".join(f"R{n:03d},AB1 1AA,1980-01-01\n" for n in range(1, 26))
    _, page = upload_and_preview(client, f"/panel/pots/{pot.id}/roll", "ref,postcode,dob\n" + rows)
    body = text(page)
    assert "The first 20 entries, as they will be stored" in body
    assert "R020" in body and "R021" not in body
    assert "Import 25 entries" in body
