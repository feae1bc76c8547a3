"""End-to-end set-up: the real app served on a free local port, and Debian's Chromium.

One server for the whole run (its own SQLite database, outbox and keys in a temporary
folder); each test gets a fresh browser context, with JavaScript on or off. Playwright
launches /usr/bin/chromium: the tests never download a browser.
"""

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from pb import catalogs

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CHROMIUM = os.environ.get("PB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium keeps calling home, which floods a closed network.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, url: str, folder: Path, ids: dict, env: dict):
        self.url = url
        self.folder = folder
        self.outbox = folder / "outbox"
        self.ids = ids
        self.env = env


@contextlib.contextmanager
def serve(folder: Path, *, seed: bool = True, **extra_env):
    """The app served from `folder` (its own database, outbox and keys) on a free port;
    `extra_env` adds settings (PB_TRANSLATIONS, say). Without `seed`, an empty database."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PB_ENV": "development",
        "PB_INSTANCE_PATH": str(folder),
        "DATABASE_URL": f"sqlite:///{folder / 'pb.sqlite3'}",
        "MAIL_OUTBOX": str(folder / "outbox"),
        "BASE_URL": url,
        # Counts run in the request here (tests/jobs has a real `pb worker`).
        "PB_JOBS_IMMEDIATE": "1",
        # The journeys log in many times from one address; keep the limit out of their way.
        "RATELIMIT_SENSITIVE": "10000/minute",
        "REDIS_URL": "",
        "PYTHONPATH": str(ROOT),  # config.py lives at the top of the repository
        **extra_env,
    }
    for name in ("PB_TEST_DATABASE_URL", "MAIL_SERVER", "SECRET_KEY", "SIGNING_KEY_DIR"):
        env.pop(name, None)

    def run(*args):
        done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
        assert done.returncode == 0, (args, done.stdout, done.stderr)

    run(str(BIN / "pb"), "db", "upgrade")
    ids = {}
    if seed:
        seeder = Path(__file__).with_name("seed.py")
        run(str(BIN / "python"), str(seeder), str(folder / "ids.json"))
        ids = json.loads((folder / "ids.json").read_text())
    log = (folder / "server.log").open("w")
    process = subprocess.Popen(
        [str(BIN / "flask"), "--app", "pb:create_app", "run", "--port", str(port), "--no-reload"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/", timeout=1)
                break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError((folder / "server.log").read_text()) from None
                time.sleep(0.1)
        else:
            raise RuntimeError("the e2e server did not start")
        yield Server(url, folder, ids, env)
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    catalogs.compile_all()  # the server reads compiled catalogs (make test builds them too)
    with serve(tmp_path_factory.mktemp("e2e-server")) as running:
        yield running


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser(browser_type_launch_args):
    """Our own browser, so pytest-playwright never looks for (or downloads) its own."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(**browser_type_launch_args)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory):
    # A temporary folder (never the work tree): PB_SCREENSHOTS names a folder to keep them in.
    chosen = os.environ.get("PB_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {folder}")
    return folder


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` (make test does)")
    return AXE.read_text()


@pytest.fixture(params=["js", "nojs"])
def js(request) -> str:
    return request.param


@pytest.fixture
def make_page(browser, server, js):
    """new_page(width=...) -> a page in a fresh context (JavaScript on or off, per `js`)."""
    contexts = []

    def new_page(width=1024, height=800):
        context = browser.new_context(
            base_url=server.url,
            java_script_enabled=js == "js",
            viewport={"width": width, "height": height},
            accept_downloads=True,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        if js == "nojs":
            helper = browser.new_context(
                base_url=server.url, viewport={"width": width, "height": height}
            )
            contexts.append(helper)
            page.axe_helper = helper.new_page()
        return page

    yield new_page
    for context in contexts:
        context.close()
