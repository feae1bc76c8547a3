"""Where a `next` parameter may send the browser: only to a path on this site.

Browsers parse a Location header the WHATWG way before following it: they drop leading and
trailing spaces and control characters, delete every tab, CR and LF anywhere, and read a
backslash as a slash. So `/\t/evil.example`, `/\\evil.example` and ` //evil.example` all
leave the site, though none starts with `//` as typed. Rather than re-implement the parser we
refuse every input on which it would do anything: a target is followed only when it is
already in the form the browser would leave untouched, and then a path with no scheme and no
host. Anything else falls back to the site's own page.
"""

from typing import TypeGuard
from urllib.parse import urlsplit

# What the WHATWG URL parser strips or rewrites: C0 controls, space, DEL and the backslash.
_REWRITTEN = {chr(c) for c in range(0x21)} | {"\x7f", "\\"}


def is_local_path(target: str | None) -> TypeGuard[str]:
    """True when a browser would read `target` as a path on the current site."""
    if not target or len(target) > 2000:
        return False
    if any(ch in _REWRITTEN for ch in target):
        return False
    # One slash, then not another: "//host" is a host of its own choosing.
    if not target.startswith("/") or target.startswith("//"):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, default: str) -> str:
    """`target` when it is a path on this site, else `default`."""
    return target if is_local_path(target) else default
