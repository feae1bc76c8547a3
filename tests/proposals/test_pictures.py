"""Pictures of proposals: up to three, JPEG/PNG/WebP, size-limited, re-encoded without EXIF or
GPS, alt text required, two sizes; the panel removes one with a public reason; the files live
in pb.storage (a folder, or S3 when configured)."""

import io

import boto3
import pytest
from moto import mock_aws
from PIL import Image
from sqlalchemy import select

from pb.extensions import db
from pb.proposals.pictures import ProposalPicture
from tests.factories import PASSWORD, make_proposal, make_user


def _as(app, user):
    client = app.test_client()
    assert (
        client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    )
    return client


def _image(fmt="JPEG", size=(2000, 1000), gps=True) -> bytes:
    image = Image.new("RGB", size, "green")
    out = io.BytesIO()
    if gps and fmt == "JPEG":
        exif = Image.Exif()
        exif[0x010F] = "SpyCam"
        exif[0x0112] = 6  # rotated: stored landscape, shown portrait
        exif[0x8825] = {1: "N", 2: (51.0, 30.0, 12.5)}
        image.save(out, fmt, exif=exif)
    else:
        image.save(out, fmt)
    return out.getvalue()


def _upload(client, proposal, data, alt="A green field by the pond", name="photo.jpg"):
    return client.post(
        f"/proposals/{proposal.id}/pictures",
        data={"picture": (io.BytesIO(data), name), "alt": alt},
        content_type="multipart/form-data",
    )


@pytest.fixture
def mine(app, world):
    proposer = make_user()
    proposal = make_proposal(world.proposals_pot, status="submitted", proposer=proposer)
    return proposal, _as(app, proposer)


def _pictures(proposal):
    return list(
        db.session.scalars(
            select(ProposalPicture).where(ProposalPicture.proposal_id == proposal.id)
        )
    )


def test_a_photo_is_stored_without_exif_or_gps_upright_at_two_sizes(app, mine):
    proposal, client = mine
    assert _upload(client, proposal, _image()).status_code == 303
    (picture,) = _pictures(proposal)
    assert (picture.width, picture.height) == (1000, 2000)  # the orientation was applied
    page = app.test_client().get(f"/pictures/{picture.id}/page")
    assert page.status_code == 200 and page.mimetype == "image/jpeg"
    assert b"SpyCam" not in page.data
    stored = Image.open(io.BytesIO(page.data))
    assert dict(stored.getexif()) == {} and max(stored.size) == 1024
    small = Image.open(io.BytesIO(app.test_client().get(f"/pictures/{picture.id}/list").data))
    assert max(small.size) == 320
    shown = app.test_client().get(f"/proposals/{proposal.id}").text
    assert 'alt="A green field by the pond"' in shown
    listing = app.test_client().get(f"/pots/{proposal.pot_id}/proposals").text
    assert f"/pictures/{picture.id}/list" in listing


@pytest.mark.parametrize("fmt,mimetype", [("PNG", "image/png"), ("WEBP", "image/webp")])
def test_png_and_webp_are_accepted(app, mine, fmt, mimetype):
    proposal, client = mine
    assert _upload(client, proposal, _image(fmt, (400, 300)), name="x.bin").status_code == 303
    (picture,) = _pictures(proposal)
    assert app.test_client().get(f"/pictures/{picture.id}/page").mimetype == mimetype


@pytest.mark.parametrize(
    "data,alt,message",
    [
        (b"", "Alt", "Choose a picture"),
        (b"GIF89a" + b"\x00" * 50, "Alt", "JPEG, PNG or WebP"),
        (b"<svg onload=alert(1)>", "Alt", "JPEG, PNG or WebP"),
        (b"\xff\xd8\xff\xe0 truncated jpeg", "Alt", "JPEG, PNG or WebP"),
        ("gif", "Alt", "JPEG, PNG or WebP"),
        ("ok", "", "Describe the picture"),
        ("ok", "   ", "Describe the picture"),
        ("ok", "x" * 251, "250 characters"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_stored(app, mine, data, alt, message):
    proposal, client = mine
    if data == "gif":
        out = io.BytesIO()
        Image.new("RGB", (10, 10)).save(out, "GIF")
        data = out.getvalue()
    elif data == "ok":
        data = _image(size=(50, 50))
    response = _upload(client, proposal, data, alt=alt)
    assert response.status_code == 422 and message in response.text
    assert _pictures(proposal) == []


def test_too_large_a_file_is_refused(app, mine, monkeypatch):
    proposal, client = mine
    monkeypatch.setitem(app.config, "PICTURE_MAX_BYTES", 1000)
    response = _upload(client, proposal, _image())
    assert response.status_code == 422 and "at most" in response.text
    assert _pictures(proposal) == []


def test_at_most_three_and_only_the_proposer_before_review(app, world, mine):
    proposal, client = mine
    for _ in range(3):
        assert _upload(client, proposal, _image(size=(60, 40))).status_code == 303
    fourth = _upload(client, proposal, _image(size=(60, 40)))
    assert fourth.status_code == 422 and "at most 3 pictures" in fourth.text
    other = _as(app, make_user())
    assert _upload(other, proposal, _image(size=(60, 40))).status_code == 403
    world.proposals_pot.phase = "review"
    db.session.commit()
    late = _upload(client, proposal, _image(size=(60, 40)))
    assert late.status_code == 409
    assert len(_pictures(proposal)) == 3


def test_the_panel_removes_a_picture_with_a_public_reason(app, world, mine):
    proposal, client = mine
    _upload(client, proposal, _image(size=(60, 40)))
    (picture,) = _pictures(proposal)
    other = _as(app, make_user(roles=[("panel", world.south.id)]))
    assert (
        other.post(f"/panel/pictures/{picture.id}/remove", data={"reason": "x"}).status_code == 403
    )
    panel = _as(app, make_user(roles=[("panel", world.north.id)]))
    assert (
        panel.post(f"/panel/pictures/{picture.id}/remove", data={"reason": ""}).status_code == 422
    )
    done = panel.post(f"/panel/pictures/{picture.id}/remove", data={"reason": "Shows a face"})
    assert done.status_code == 303
    assert app.test_client().get(f"/pictures/{picture.id}/page").status_code == 404
    page = app.test_client().get(f"/proposals/{proposal.id}").text
    assert "A picture was removed by the ward panel: Shows a face" in page
    from pb.storage import storage

    with app.test_request_context():
        assert storage().get(picture.storage_key("page")) is None  # the files are gone


def test_a_draft_pots_pictures_are_not_served(app, world, mine):
    proposal, client = mine
    _upload(client, proposal, _image(size=(60, 40)))
    (picture,) = _pictures(proposal)
    world.proposals_pot.phase = "draft"
    db.session.commit()
    assert app.test_client().get(f"/pictures/{picture.id}/page").status_code == 404
    assert app.test_client().get(f"/pictures/{picture.id}/huge").status_code == 404


def test_pictures_go_to_s3_when_a_bucket_is_configured(app, mine, monkeypatch):
    proposal, client = mine
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setitem(app.config, "S3_BUCKET", "pb-pictures")
    monkeypatch.setitem(app.config, "S3_REGION", "eu-west-2")
    app.extensions.pop("pb_s3", None)
    with mock_aws():
        s3 = boto3.client("s3", region_name="eu-west-2")
        s3.create_bucket(
            Bucket="pb-pictures", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
        )
        assert _upload(client, proposal, _image(size=(80, 60))).status_code == 303
        (picture,) = _pictures(proposal)
        keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="pb-pictures")["Contents"])
        assert keys == [picture.storage_key("list"), picture.storage_key("page")]
        served = app.test_client().get(f"/pictures/{picture.id}/page")
        assert served.status_code == 200 and served.mimetype == "image/jpeg"
        app.extensions.pop("pb_s3", None)


def test_storage_keys_cannot_climb_out_of_the_folder(tmp_path):
    from pb.storage import FileStorage

    store = FileStorage(tmp_path / "pictures")
    for key in ("../secret", "/etc/passwd", "pictures/../../x", "a\x00b", ""):
        with pytest.raises(ValueError):
            store.put(key, b"x", "text/plain")
    store.put("pictures/ok-page.jpg", b"x", "image/jpeg")
    assert store.get("pictures/ok-page.jpg") == b"x"
