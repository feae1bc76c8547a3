"""`make test` on a fresh machine: Chromium for the end-to-end tests, or one line saying how."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAKE = shutil.which("make")

pytestmark = pytest.mark.skipif(MAKE is None, reason="make is not installed")


def _chromium(tmp_path, chromium: str, path: str):
    return subprocess.run(
        [MAKE, "-s", "--no-print-directory", "chromium", f"CHROMIUM={chromium}"],
        cwd=ROOT,
        env={"PATH": path},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_nothing_to_do_when_chromium_is_there(tmp_path):
    browser = tmp_path / "chromium"
    browser.write_text("#!/bin/sh\n")
    browser.chmod(0o755)
    done = _chromium(tmp_path, str(browser), str(tmp_path))
    assert done.returncode == 0 and done.stdout == "" and done.stderr == ""


def test_without_apt_get_it_says_in_one_line_what_to_do(tmp_path):
    # A PATH with no apt-get (and no sudo): pb cannot install Chromium itself.
    done = _chromium(tmp_path, str(tmp_path / "no-chromium"), str(tmp_path))
    assert done.returncode != 0
    lines = [line for line in done.stderr.splitlines() if not line.startswith("make")]
    assert len(lines) == 1
    assert "apt-get install chromium" in lines[0] and "not e2e" in lines[0]
