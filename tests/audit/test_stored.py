"""The audit package is built once at publication, stored compressed with its SHA-256, and
served as a static file (issue 14: it was rebuilt, uncompressed, on every request)."""

import hashlib
import io
import zipfile

from pb.audit import package
from pb.audit.verify import verify


def _get(client, path, **kwargs):
    response = client.get(path, **kwargs)
    data = response.get_data()
    response.close()
    return response, data


def test_publication_stores_a_compressed_package_with_its_hash(published, tmp_path):
    pot, _ = published
    stored, path = package.stored(pot)
    data = path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == stored.sha256 and len(data) == stored.size
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {i.compress_type for i in archive.infolist()} == {zipfile.ZIP_DEFLATED}
    copy = tmp_path / "copy.zip"
    copy.write_bytes(data)
    assert verify(copy).ok
    assert package.build(pot) == data  # the same publication always gives the same bytes


def test_downloads_serve_the_stored_file_without_building(client, published, monkeypatch):
    pot, _ = published
    stored, path = package.stored(pot)

    def no_building(*args, **kwargs):
        raise AssertionError("a download must not build the package")

    monkeypatch.setattr(package, "write", no_building)
    response, data = _get(client, f"/pots/{pot.id}/audit.zip")
    assert response.status_code == 200 and data == path.read_bytes()
    assert response.headers["ETag"] == f'"{stored.sha256}"'
    assert response.headers["X-Content-SHA256"] == stored.sha256
    assert "attachment" in response.headers["Content-Disposition"]
    again, _ = _get(client, f"/pots/{pot.id}/audit.zip", headers={"If-None-Match": stored.sha256})
    assert again.status_code == 304
    part, chunk = _get(client, f"/pots/{pot.id}/audit.zip", headers={"Range": "bytes=10-109"})
    assert part.status_code == 206 and chunk == path.read_bytes()[10:110]


def test_a_missing_stored_package_is_built_once_on_first_download(client, published):
    pot, _ = published
    _, path = package.stored(pot)
    path.unlink()
    assert package.stored(pot) is None
    response, data = _get(client, f"/pots/{pot.id}/audit.zip")
    assert response.status_code == 200
    assert package.stored(pot)[1].read_bytes() == data


def test_downloads_are_rate_limited(app, client, published):
    pot, _ = published
    app.config["AUDIT_DOWNLOAD_RATE"] = "2/minute"
    try:
        codes = [_get(client, f"/pots/{pot.id}/audit.zip")[0].status_code for _ in range(3)]
    finally:
        app.config["AUDIT_DOWNLOAD_RATE"] = "10000/minute"
    assert codes == [200, 200, 429]


def test_a_correction_stores_a_new_package(app, published):
    from tests.audit.test_package import _login
    from tests.factories import make_user, publish_through

    pot, _ = published
    before, _ = package.stored(pot)
    panel = _login(app, make_user(roles=[("panel", pot.ward_id)]))
    response = panel.post(
        f"/panel/pots/{pot.id}/tally", data={"reason": "A paper batch was entered twice."}
    )
    assert response.status_code == 303, response.text
    assert publish_through(panel, pot).status_code == 303
    after, path = package.stored(pot)
    assert after.version == before.version + 1 and after.sha256 != before.sha256
    assert path.exists()
