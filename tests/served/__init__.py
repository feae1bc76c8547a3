"""The app served by gunicorn on a fresh PostgreSQL database, and a browser-like client.

Used by the kill test (tests/served/test_kill.py) and benchmarks/cast_load.py.
"""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
RECEIPT = re.compile(r"<code>([A-Z2-7-]+)</code>")
NONCE = re.compile(r'name="nonce" value="([^"]+)"')
CSRF_TOKEN = re.compile(r'name="csrf_token"[^>]* value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def fresh_database(server_url: str, name: str):
    """Create database `name` on the server of `server_url`; drop it afterwards."""
    url = sa.engine.make_url(server_url)
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def gunicorn(
    database_url: str, instance: Path, workers: int = 3, threads: int = 1, csrf: bool = False
):
    """Serve `create_app('test')` on a free loopback port; yields (base URL, master process).

    `csrf` turns CSRF protection back on, as in production (the test config leaves it off).
    """
    port = free_port()
    env = {
        **os.environ,
        "PB_TEST_DATABASE_URL": database_url,
        "PB_INSTANCE_PATH": str(instance),
    }
    command = [
        str(GUNICORN),
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--threads", str(threads),
        "--timeout", "60",
        "--log-level", "warning",
        f"pb:create_app('test', WTF_CSRF_ENABLED={csrf})",
    ]  # fmt: skip
    log = open(instance / "gunicorn.log", "w")  # noqa: SIM115 - closed below
    master = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/", timeout=5) as response:
                    response.read()
                break
            except OSError:
                if master.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((instance / "gunicorn.log").read_text()) from None
                time.sleep(0.2)
        yield base, master
    finally:
        master.send_signal(signal.SIGTERM)
        try:
            master.wait(timeout=30)
        except subprocess.TimeoutExpired:
            master.kill()
            master.wait()
        log.close()


def worker_pids(master) -> list[int]:
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    return [int(pid) for pid in children]


class Browser:
    """One person's browser: keeps cookies, follows redirects like a browser does."""

    def __init__(self, base: str):
        self.base = base
        self.csrf_token: str | None = None
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def request(self, path: str, data: dict | list | None = None) -> tuple[int, str, str]:
        """(status, final URL, body); network failures raise OSError.

        Posts carry the CSRF token of the last page that had one, as a form in it would.
        """
        body = None
        if data is not None:
            fields = list(data.items()) if isinstance(data, dict) else list(data)
            if self.csrf_token:
                fields.append(("csrf_token", self.csrf_token))
            body = urllib.parse.urlencode(fields, doseq=True).encode()
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                status, url, page = response.status, response.url, response.read().decode()
        except urllib.error.HTTPError as error:
            with error:
                status, url, page = error.code, error.url, error.read().decode()
        if token := CSRF_TOKEN.search(page):
            self.csrf_token = token.group(1)
        return status, url, page

    def log_in(self, email: str, password: str) -> None:
        self.request("/login")
        status, url, _ = self.request("/login", {"email": email, "password": password})
        if status != 200 or url.endswith("/login"):
            raise RuntimeError(f"log-in failed for {email}: {status}")

    def review(self, pot_id: int, choices: list[int]) -> str:
        """Submit the ballot for review; the nonce the review page issued for casting it."""
        data = [("choices", str(c)) for c in choices]
        _, _, page = self.request(f"/pots/{pot_id}/ballot", data)
        match = NONCE.search(page)
        if match is None:
            raise RuntimeError(f"no nonce on the review page of pot {pot_id}")
        return match.group(1)

    def cast(self, pot_id: int, choices: list[int], nonce: str) -> tuple[int, str | None]:
        """Cast; (status, receipt code) where status is the receipt page's when it worked."""
        data = [("nonce", nonce), *(("choices", str(c)) for c in choices)]
        status, url, page = self.request(f"/pots/{pot_id}/ballot/cast", data)
        match = RECEIPT.search(page) if url.endswith("/receipt") else None
        return status, match.group(1) if match else None
