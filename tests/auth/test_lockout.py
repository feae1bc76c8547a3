"""Lock-outs cannot be aimed at others, and nothing tells who is registered (issue 14).

The attack: three wrong passwords locked an account for everyone, the right password then got
429, renewed by one request every 15 minutes; registration took 9 ms for a known address and
127 ms for an unknown one.
"""

from pb.auth import services
from tests.factories import PASSWORD, make_user

STRANGER, OWNER = "203.0.113.66", "198.51.100.20"


def _post(client, email, password, address):
    return client.post(
        "/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def test_a_strangers_failures_do_not_lock_the_owner_out(app):
    user = make_user()
    stranger, owner = app.test_client(), app.test_client()
    for _ in range(6):
        _post(stranger, user.email, "wrong guess", STRANGER)
    assert _post(stranger, user.email, PASSWORD, STRANGER).status_code == 429  # the guesser waits
    assert _post(owner, user.email, PASSWORD, OWNER).status_code == 302  # the owner does not


def test_a_known_device_gets_in_even_from_the_strangers_address(app):
    user = make_user()
    owner = app.test_client()
    assert _post(owner, user.email, PASSWORD, OWNER).status_code == 302  # now a known device
    owner.post("/logout")
    stranger = app.test_client()
    for _ in range(6):  # e.g. behind the same café's address
        _post(stranger, user.email, "wrong guess", OWNER)
    assert _post(stranger, user.email, PASSWORD, OWNER).status_code == 429
    assert _post(owner, user.email, PASSWORD, OWNER).status_code == 302


def test_a_guesser_on_many_addresses_is_slowed_but_the_owner_is_not(app):
    app.config["LOGIN_ACCOUNT_LOCKOUT_AFTER"] = 5
    try:
        user = make_user()
        owner = app.test_client()
        assert _post(owner, user.email, PASSWORD, OWNER).status_code == 302
        owner.post("/logout")
        guesser = app.test_client()
        for n in range(8):  # a fresh address each time: no (account, address) pair locks
            _post(guesser, user.email, "wrong guess", f"192.0.2.{n + 1}")
        fresh = app.test_client()
        assert _post(fresh, user.email, PASSWORD, "192.0.2.200").status_code == 429
        assert _post(owner, user.email, PASSWORD, "192.0.2.201").status_code == 302
    finally:
        app.config["LOGIN_ACCOUNT_LOCKOUT_AFTER"] = 20


def test_a_forged_device_cookie_is_ignored(app):
    user = make_user()
    stranger = app.test_client()
    stranger.set_cookie("pb_device", "eyJpZCI6IngiLCJhY2NvdW50cyI6W119.forged")
    for _ in range(6):
        _post(stranger, user.email, "wrong guess", STRANGER)
    assert _post(stranger, user.email, PASSWORD, STRANGER).status_code == 429


def test_registration_hashes_a_password_for_known_and_unknown_addresses(client, monkeypatch):
    make_user(email="taken@example.org")
    hashed = []
    real = services.hash_password
    monkeypatch.setattr(services, "hash_password", lambda p: hashed.append(p) or real(p))
    form = {
        "display_name": "Sam",
        "postcode": "AB1 1AA",
        "password": "long enough password",
        "confirm": "long enough password",
    }
    for email in ("taken@example.org", "fresh@example.org"):
        assert client.post("/register", data={**form, "email": email}).status_code == 302
    assert len(hashed) == 2  # the same argon2 work either way


def test_password_reset_mails_known_and_unknown_addresses_alike(client, outbox):
    make_user(email="known@example.org")
    for email in ("unknown@example.org", "known@example.org"):
        client.post("/password/forgot", data={"email": email})
    assert [m.to for m in outbox.messages] == ["unknown@example.org", "known@example.org"]
    assert "no account uses it" in outbox.last_to("unknown@example.org").body
    assert "/password/reset/" in outbox.last_to("known@example.org").body
