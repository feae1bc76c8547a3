"""Uploading CSV files through the real forms, as a panel member's browser does."""

import html
import io

from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.html import markup


def post_file(client, url: str, data: bytes, filename: str = "list.csv", **fields):
    """POST a multipart form with one file under "file".

    The body is encoded here, in memory: the test client would spool a large body to a
    temporary file that it never closes (a ResourceWarning under filterwarnings=error).
    """
    file = FileStorage(io.BytesIO(data), filename=filename, content_type="text/csv")
    boundary, body = encode_multipart({**fields, "file": file})
    return client.post(url, data=body, content_type=f'multipart/form-data; boundary="{boundary}"')


def upload(client, url: str, content: str | bytes, filename: str = "list.csv"):
    """POST a file to an upload form; text is sent as UTF-8."""
    data = content.encode() if isinstance(content, str) else content
    return post_file(client, url, data, filename)


def upload_and_preview(client, url: str, content: str | bytes):
    """Upload a file that reads as CSV and follow on to its preview: (preview URL, page)."""
    response = upload(client, url, content)
    assert response.status_code == 303, text(response)
    preview_url = response.headers["Location"]
    return preview_url, client.get(preview_url)


def text(response) -> str:
    """The page's text with HTML entities decoded and class attributes dropped (tests.html),
    for comparing with messages and markup."""
    return markup(html.unescape(response.get_data(as_text=True)))
