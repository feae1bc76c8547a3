import pytest
from sqlalchemy import select

from pb.audit.models import AuditEvent
from pb.councils.models import Postcode
from pb.extensions import db
from tests.electorate.uploads import text, upload, upload_and_preview
from tests.factories import make_user

URL = "/panel/postcodes/"
# The ONS postcode directory's own header names, with columns the import ignores.
ONSPD_HEADER = "pcd,pcd2,pcds,dointr,doterm,oscty,osward,lat,long\n"


def _row(postcode: str, ward: str) -> str:
    squashed = postcode.replace(" ", "")
    pcd = f"{squashed[:-3]:<4}{squashed[-3:]}"
    return (
        f"{pcd},{squashed[:-3]:<5}{squashed[-3:]},{postcode},199001,,E10000001,{ward},51.5,-0.1\n"
    )


@pytest.fixture
def admin(login):
    user = make_user(roles=[("admin", None)])
    login(user)
    return user


def _wards():
    return dict(db.session.execute(select(Postcode.postcode, Postcode.ward_id)).all())


def test_an_onspd_file_adds_moves_and_keeps_postcodes(client, admin, world):
    content = (
        ONSPD_HEADER
        + _row("AB1 1AA", "E05000001")  # unchanged
        + _row("AB1 1AB", "E05000002")  # moves from North to South
        + _row("AB3 3CC", "e05000002")  # new
        + _row("AB4 4DD", "E05000001")  # new
        + _row("AB4 4DD", "E05000001")  # the same again: harmless
    )
    preview_url, page = upload_and_preview(client, URL, content)
    body = text(page)
    assert page.status_code == 200
    assert "<dt>New postcodes</dt><dd>2</dd>" in body
    assert "<dt>Moved to another ward</dt><dd>1</dd>" in body
    assert "<dt>Unchanged</dt><dd>1</dd>" in body
    assert "Moves from North" in body
    assert "Import 4 postcodes" in body
    assert "AB3 3CC" not in _wards()  # the preview writes nothing

    response = client.post(preview_url)
    assert response.status_code == 303
    assert "2 new, 1 moved to another ward, 1 unchanged" in text(client.get(URL))
    north, south = world.north.id, world.south.id
    assert _wards() == {
        "AB1 1AA": north,
        "AB1 1AB": south,
        "AB2 2BB": south,
        "AB3 3CC": south,
        "AB4 4DD": north,
    }
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.type == "postcodes.imported"))
    assert event.actor_id == admin.id
    assert event.payload == {"new": 2, "moved": 1, "unchanged": 1}


def test_a_plain_file_with_postcode_and_ward_code_columns_works(client, admin, world):
    content = "Postcode,Ward_Code\nab5 5ee,E05000001\n"
    preview_url, _ = upload_and_preview(client, URL, content)
    assert client.post(preview_url).status_code == 303
    assert _wards()["AB5 5EE"] == world.north.id


def test_bad_rows_are_listed_by_line_and_nothing_is_imported(client, admin, world):
    content = (
        "postcode,ward_code\n"
        "AB6 6FF,E05000001\n"
        "NOT A CODE,E05000001\n"
        "AB7 7GG,E05999999\n"
        "AB6 6FF,E05000002\n"
        ",\n"
        "AB1 1AA,E05000001\n"
    )
    preview_url, page = upload_and_preview(client, URL, content)
    body = text(page)
    for expected in [
        "Line 3: 'NOT A CODE' is not a UK postcode.",
        "Line 4: 'E05999999' is not the ONS code of one of the council's wards.",
        "Line 5: AB6 6FF is also on line 2, in another ward (E05000001 North).",
    ]:
        assert expected in body
    assert "Line 2:" not in body and "Line 7:" not in body
    assert "3 problems in the file" in body
    assert 'type="submit">Import' not in page.text
    assert client.post(preview_url).status_code == 422
    assert "AB6 6FF" not in _wards()


def test_the_file_is_checked_again_when_the_import_is_confirmed(client, admin, world):
    preview_url, page = upload_and_preview(client, URL, "pcds,osward\nAB8 8HH,E05000002\n")
    assert "Import 1 postcode" in text(page)
    world.south.code = "E05000099"  # the ward's code changed since the preview
    db.session.commit()
    response = client.post(preview_url)
    assert response.status_code == 422
    body = text(response)
    assert "nothing was imported" in body
    assert "Line 2: 'E05000002' is not the ONS code" in body
    assert "AB8 8HH" not in _wards()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"pcds,laua\nAB1 1AA,E1\n", "no column for: ward code"),
        ("pcds,osward\nAB1 1AA,E05000001 Süd\n".encode("latin-1"), "not UTF-8 text"),
        (b"", "The file is empty."),
    ],
)
def test_unreadable_files_are_refused_clearly(client, admin, content, message):
    response = upload(client, URL, content)
    assert response.status_code == 422
    assert message in text(response)


def test_the_page_counts_postcodes_per_ward(client, admin, world):
    page = client.get(URL)
    assert page.status_code == 200
    body = text(page)
    assert "<td>North</td><td>E05000001</td><td>2</td>" in body
    assert 'govuk-table__cell--numeric pb-num">2</td>' in page.text  # right-aligned, unbroken
    assert "<td>South</td><td>E05000002</td><td>1</td>" in body


@pytest.mark.parametrize("roles", [(), (("panel", None),), (("panel", "north"),)])
def test_only_council_admins_import_postcodes(client, login, world, roles):
    wards = {"north": world.north.id, None: None}
    login(make_user(roles=[(role, wards[ward]) for role, ward in roles]))
    assert client.get(URL).status_code == 403
    assert upload(client, URL, "pcds,osward\nAB9 9JJ,E05000001\n").status_code == 403
    assert client.get(URL + "uploads/" + "a" * 32).status_code == 403
    assert "AB9 9JJ" not in _wards()


def test_an_upload_belongs_to_the_admin_who_sent_it(client, login, admin, world):
    preview_url, _ = upload_and_preview(client, URL, "pcds,osward\nAB9 9JJ,E05000001\n")
    login(make_user(roles=[("admin", None)]))
    response = client.post(preview_url)
    assert response.status_code == 303 and response.headers["Location"].endswith(URL)
    assert "AB9 9JJ" not in _wards()
    assert client.get(URL + "uploads/bad.token").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
