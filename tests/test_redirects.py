"""`next` after log-in and on the account page: only ever a path on this site.

Each hostile target is one a browser would follow off the site (or, with CR/LF, one that broke
the response header). Sent as the raw query string, encoded the way an attacker's link is.
"""

from urllib.parse import quote, urlsplit

import pytest

from pb.redirects import is_local_path
from tests.factories import PASSWORD, make_user

HOSTILE = [
    "//evil.example/x",
    "/%09/evil.example/x",  # the tab is stripped by the browser: //evil.example/x
    "/%0a/evil.example/x",
    "/%0d/evil.example/x",
    "/%0d%0aSet-Cookie:%20x=1",
    "%20//evil.example",
    "/%5Cevil.example",  # backslash: read as a slash
    "%5C%5Cevil.example",
    "/%5C/evil.example",
    "https://evil.example/",
    "https:evil.example",
    "javascript:alert(1)",
    "///evil.example",
    "/%7F/evil.example",
    "evil.example",
    "",
]
LOCAL = ["/pots/1", "/account?tab=1", "/pots/1#results", "/%2F%2Fevil.example"]


@pytest.mark.parametrize("query", HOSTILE)
def test_login_never_redirects_off_the_site(client, query):
    user = make_user()
    response = client.post(f"/login?next={query}", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/" and not location.netloc, response.headers["Location"]


@pytest.mark.parametrize("query", HOSTILE)
def test_account_never_redirects_off_the_site(client, login, query):
    user = make_user()
    login(user)
    response = client.post(
        f"/account?next={query}", data={"display_name": "Ann", "postcode": "AB1 1AA"}
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert urlsplit(location).netloc == "" and location.startswith("/") and "//" not in location


@pytest.mark.parametrize("target", LOCAL)
def test_login_follows_a_path_on_this_site(client, target):
    user = make_user()
    response = client.post(
        f"/login?next={quote(target, safe='/?=')}",
        data={"email": user.email, "password": PASSWORD},
    )
    assert response.headers["Location"] == target


def test_the_rule_reads_targets_as_a_browser_would():
    # Every character the URL parser strips or rewrites, at the start, middle and end.
    for ch in [*map(chr, range(0x21)), "\x7f", "\\"]:
        for target in (f"{ch}//e.example", f"/{ch}/e.example", f"//e.example{ch}"):
            assert not is_local_path(target), repr(target)
    assert is_local_path("/pots/1?next=//x")  # a query is not a host
    assert not is_local_path("/" + "a" * 3000)
