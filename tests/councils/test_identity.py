"""The council's name, colour, logo and website: set by the admin, on every page."""

import io
import re

import pytest
from PIL import Image

from pb.councils import identity
from pb.councils.identity import LOGO_BOX
from pb.extensions import db
from tests.factories import make_user


def _png(size=(800, 200), colour="#005ea5", fmt="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format=fmt)
    return out.getvalue()


@pytest.fixture
def admin(client, login):
    login(make_user(roles=[("admin", None)]))
    return client


def _save(client, logo: bytes | None = None, filename="logo.png", **fields):
    data = {"name": "Riverside Council", "colour": "#0b3d6b", "website_url": "", **fields}
    if logo is not None:
        data["logo"] = (io.BytesIO(logo), filename)
    return client.post("/panel/council", data=data, content_type="multipart/form-data")


def test_the_admin_sets_name_colour_website_and_logo(admin, world):
    done = _save(admin, _png(), website_url="https://www.riverside.example.gov.uk")
    assert done.status_code == 303
    council = world.council
    db.session.refresh(council)
    assert (council.name, council.colour) == ("Riverside Council", "#0b3d6b")
    assert council.logo_type == "image/png"
    stored = Image.open(io.BytesIO(council.logo))
    assert stored.width <= LOGO_BOX[0] and stored.height <= LOGO_BOX[1]  # re-encoded, smaller
    page = admin.get("/").text
    assert "Riverside Council" in page and f"/councils/{council.id}/logo" in page
    assert 'href="https://www.riverside.example.gov.uk"' in page
    assert "GOV.UK" not in page and "govuk-header__logotype" not in page  # no crown, no name
    logo = admin.get(f"/councils/{council.id}/logo")
    assert logo.status_code == 200 and logo.mimetype == "image/png"
    assert "max-age" in logo.headers["Cache-Control"] and logo.headers["ETag"]
    again = admin.get(
        f"/councils/{council.id}/logo", headers={"If-None-Match": logo.headers["ETag"]}
    )
    assert again.status_code == 304
    theme = admin.get("/theme.css")
    assert theme.mimetype == "text/css" and "--pb-council-colour:#0b3d6b" in theme.text


@pytest.mark.parametrize(
    ("logo", "name", "message"),
    [
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "x.svg",
            "SVG logos are not accepted",
        ),
        (b"GIF89a" + b"\x00" * 100, "x.gif", "not a PNG or JPEG image"),
        (b"not an image at all", "x.png", "not a PNG or JPEG image"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "broken.png", "not a PNG or JPEG image"),
    ],
)
def test_a_logo_that_is_not_a_png_or_jpeg_is_refused(admin, world, logo, name, message):
    refused = _save(admin, logo, filename=name)
    assert refused.status_code == 422 and message in refused.text
    db.session.refresh(world.council)
    assert world.council.logo is None and world.council.name != "Riverside Council"


def test_a_jpeg_stays_a_jpeg_and_an_oversized_file_is_refused(admin, world, monkeypatch):
    assert _save(admin, _png(fmt="JPEG"), filename="logo.jpg").status_code == 303
    db.session.refresh(world.council)
    assert world.council.logo_type == "image/jpeg"
    # A smaller limit, so the test's upload stays in memory; the rule is the same.
    monkeypatch.setattr(identity, "LOGO_MAX_UPLOAD", 4_000)
    too_big = _save(admin, _png(size=(3000, 3000), colour="#123456"))
    assert too_big.status_code == 422 and "a logo can be up to 3 KB" in too_big.text
    db.session.refresh(world.council)
    assert world.council.logo_type == "image/jpeg"  # unchanged


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("colour", "blue", "“blue” is not a colour"),
        ("colour", "#ffff00", "White text is hard to read on #ffff00"),
        ("website_url", "javascript:alert(1)", "is not a web address"),
        ("name", "", "Enter the council\u2019s name."),
    ],
)
def test_bad_identity_fields_say_what_is_wrong(admin, world, field, value, message):
    refused = _save(admin, **{field: value})
    assert refused.status_code == 422
    assert message in refused.text, re.findall(r'error-message"[^>]*>(.*?)</p>', refused.text, re.S)


def test_only_an_admin_changes_the_identity(client, login, world):
    login(make_user(roles=[("panel", world.north.id)]))
    assert _save(client).status_code == 403


def test_every_page_has_a_favicon(client, world):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/png"
    assert Image.open(io.BytesIO(icon.data)).size == (32, 32)
    assert 'rel="icon" href="/favicon.ico"' in client.get("/").text


def test_no_logo_is_a_404(client, world):
    assert client.get(f"/councils/{world.council.id}/logo").status_code == 404
    assert client.get("/councils/999999/logo").status_code == 404
