"""Where uploaded files (proposal pictures) are kept, behind one small interface.

`put`, `get` and `delete` by key. The default is a folder under the instance dir (PICTURE_DIR,
or instance/pictures): fine for one app server. With several, set S3_BUCKET (and S3_ENDPOINT_URL
for an S3-compatible store such as MinIO or Ceph; credentials come from boto3's usual places,
AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or an instance role) so every server reads and writes
the same objects.

Keys are made by pb (random hex and a fixed suffix), never typed by a user; `_check_key` still
refuses anything that could climb out of the folder.
"""

import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

from flask import current_app

_KEY = re.compile(r"[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_.-]*)*")


class Storage(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def get(self, key: str) -> bytes | None: ...

    def delete(self, key: str) -> None: ...


def _check_key(key: str) -> str:
    if not _KEY.fullmatch(key) or ".." in key:
        raise ValueError(f"not a storage key: {key!r}")
    return key


class FileStorage:
    """Files in a folder; each written to a temporary name and renamed into place."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self.root / _check_key(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes | None:
        path = self.root / _check_key(key)
        return path.read_bytes() if path.is_file() else None

    def delete(self, key: str) -> None:
        (self.root / _check_key(key)).unlink(missing_ok=True)


class S3Storage:
    """Objects in an S3 bucket (AWS or any S3-compatible store)."""

    def __init__(self, bucket: str, *, endpoint_url: str | None = None, region: str | None = None):
        import boto3

        self.bucket = bucket
        self.client = boto3.client("s3", endpoint_url=endpoint_url or None, region_name=region)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(
            Bucket=self.bucket, Key=_check_key(key), Body=data, ContentType=content_type
        )

    def get(self, key: str) -> bytes | None:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=_check_key(key))
        except self.client.exceptions.NoSuchKey:
            return None
        return answer["Body"].read()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=_check_key(key))


def storage() -> Storage:
    """The app's storage: S3 when S3_BUCKET is set, else the pictures folder."""
    config = current_app.config
    if config.get("S3_BUCKET"):
        cached = current_app.extensions.get("pb_s3")
        if cached is None or cached.bucket != config["S3_BUCKET"]:
            cached = S3Storage(
                config["S3_BUCKET"],
                endpoint_url=config.get("S3_ENDPOINT_URL"),
                region=config.get("S3_REGION"),
            )
            current_app.extensions["pb_s3"] = cached
        return cached
    root = config.get("PICTURE_DIR") or Path(current_app.instance_path) / "pictures"
    return FileStorage(Path(root))
