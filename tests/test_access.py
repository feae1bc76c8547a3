"""Every route, walked with every role: allowed or forbidden, decided on the server.

Each endpoint must be listed in ACCESS; a new route that is not fails this test until its
access rule is written down here.
"""

import pytest
from flask import url_for

from pb.access import policy_of
from tests.factories import make_comment, make_meeting, make_picture, make_user
from tests.test_no_500 import _an_asset

EVERYONE = {"anonymous", "resident", "panel", "other_panel", "officer", "auditor", "admin"}
LOGGED_IN = EVERYONE - {"anonymous"}
STAFF = {"panel", "other_panel", "officer", "auditor", "admin"}
MANAGE = {"panel", "admin"}
READ = {"panel", "officer", "auditor", "admin"}
PAPER = {"panel", "officer", "admin"}
ADMIN = {"admin"}

ACCESS = {
    "static": EVERYONE,
    "pots.index": EVERYONE,
    "pots.show": EVERYONE,
    "pots.search": EVERYONE,
    "we_did.pot": EVERYONE,
    "identity.theme_css": EVERYONE,
    "identity.logo": EVERYONE,  # a 404 when the council has no logo, for everyone alike
    "identity.favicon": EVERYONE,
    "identity.edit_identity": ADMIN,
    "proposals.index": EVERYONE,
    "proposals.show": EVERYONE,
    "proposals.new": LOGGED_IN,
    "proposals.edit": set(),  # the proposer only; none of these users proposed it
    "voting.ballot": LOGGED_IN,
    "voting.prove": LOGGED_IN,
    "voting.review": LOGGED_IN,
    "voting.cast": LOGGED_IN,
    "voting.receipt": LOGGED_IN,
    "voting.check_receipt": EVERYONE,
    "results.show": EVERYONE,
    "auth.register": EVERYONE,
    "auth.check_email": EVERYONE,
    "auth.confirm_email": EVERYONE,
    "auth.resend_confirmation": LOGGED_IN,
    "auth.login": EVERYONE,
    "auth.logout": EVERYONE,
    "auth.forgot_password": EVERYONE,
    "auth.reset_password": EVERYONE,
    "auth.account": LOGGED_IN,
    "panel.index": STAFF,
    "panel.new_pot": {"panel", "other_panel", "admin"},  # panels: for their own wards
    "panel.settings": MANAGE,
    "panel.pot": READ,
    "panel.change_phase": MANAGE,
    "panel.ballot_key": MANAGE,
    "panel.confirm_key": MANAGE,
    "panel.open_envelopes": MANAGE,
    "panel.audit_log": READ,
    "review.show": MANAGE,
    "review.feasible": MANAGE,
    "review.not_feasible": MANAGE,
    "review.merge": MANAGE,
    "review.ballot": MANAGE,
    "paper.index": PAPER,
    "paper.record_voter": PAPER,
    "paper.enter_batch": PAPER,
    "paper.batch": PAPER,
    "results.preview": READ,
    "results.run_tally": MANAGE,
    "results.job": READ,
    "results.publish": MANAGE,
    "dashboard.goes_local": EVERYONE,
    "dashboard.goes_local_csv": EVERYONE,
    "dashboard.goes_local_json": EVERYONE,
    "delivery.pot": MANAGE,
    "delivery.proposal": MANAGE,
    "audit.download": EVERYONE,
    "audit.how_to_check": EVERYONE,
    "audit.key_list": EVERYONE,
    "admin.index": ADMIN,
    "admin.revoke": ADMIN,
    "admin.sign_out_everywhere": ADMIN,
    # The open data API: read-only and public; writes get a JSON 405 for everyone.
    "api.document": EVERYONE,
    "api.pots": EVERYONE,
    "api.pot": EVERYONE,
    "api.proposals": EVERYONE,
    "api.results": EVERYONE,
    "api.goes_local": EVERYONE,
    "api.unknown": EVERYONE,
    # Languages: the switch for everyone, the council's choice and content translations for staff.
    "languages.choose": EVERYONE,
    "languages.settings": ADMIN,
    "languages.pot": MANAGE,
    "languages.proposal": MANAGE,
    # Supports, comments and follows (issue 18): residents act, the panel moderates.
    "conversation.support": LOGGED_IN,
    "conversation.supports_outcome": EVERYONE,
    "conversation.comment": LOGGED_IN,
    "conversation.edit_comment": set(),  # the author only; none of these users wrote it
    "conversation.flag_comment": LOGGED_IN,
    "conversation.follow_pot": LOGGED_IN,
    "conversation.follow_proposal": LOGGED_IN,
    "conversation.notifications": LOGGED_IN,
    "conversation.unsubscribe": EVERYONE,  # the signed token is the proof
    "moderation.supports_rule": MANAGE,
    "moderation.comments_index": MANAGE,
    "moderation.hide_comment": MANAGE,
    "mail_admin.index": ADMIN,
    "mail_admin.retry": ADMIN,
    "mail_admin.discard": ADMIN,
    "pictures.manage": set(),  # the proposer only
    "pictures.show": EVERYONE,
    "pictures.remove": MANAGE,
    "meetings.index": EVERYONE,
    "meetings.feed": EVERYONE,
    "meetings.ics": EVERYONE,
    "meetings.manage": MANAGE,
    "meetings.cancel": MANAGE,
    "api.geo_wards": EVERYONE,
    "api.geo_proposals": EVERYONE,
    "api.geo_funded": EVERYONE,
    "api.geo_assets": EVERYONE,
    "maps.proposals": EVERYONE,
    "maps.funded": EVERYONE,
    "maps.goes_local": EVERYONE,
    "assets.index": EVERYONE,
    "assets.show": EVERYONE,
    "assets.new": LOGGED_IN,
    # The register is council-wide: any ward's panel (and the admin) reviews it.
    "assets.waiting": {"panel", "other_panel", "admin"},
    "assets.review": {"panel", "other_panel", "admin"},
}
# Routes whose access is decided by an endpoint prefix (each area's own tests go deeper).
PREFIXES = {"electorate.": MANAGE, "councils.": ADMIN}


def _allowed(endpoint: str) -> set[str]:
    if endpoint in ACCESS:
        return ACCESS[endpoint]
    for prefix, who in PREFIXES.items():
        if endpoint.startswith(prefix):
            return who
    raise AssertionError(f"no access rule for {endpoint}: add it to ACCESS")


def _users(world):
    north, south = world.north.id, world.south.id
    return {
        "anonymous": None,
        "resident": make_user(),
        "panel": make_user(roles=[("panel", north)]),
        "other_panel": make_user(roles=[("panel", south)]),
        "officer": make_user(roles=[("officer", None)]),
        "auditor": make_user(roles=[("auditor", None)]),
        "admin": make_user(roles=[("admin", None)]),
    }


def _fill(app, rule, world):
    values = {
        "pot_id": world.voting_pot.id,
        "proposal_id": world.on_ballot[0].id,
        "token": "x",
        "number": 1,
        "grant_id": 999999,
        "filename": "pb.css",
        "code": "cy",
        "comment_id": getattr(world, "comment_id", 1),
        "picture_id": getattr(world, "picture_id", 1),
        "meeting_id": getattr(world, "meeting_id", 1),
        "size": "page",
        "asset_id": _an_asset(world).id,
    }
    with app.test_request_context():
        return url_for(rule.endpoint, **{arg: values.get(arg, 1) for arg in rule.arguments})


def test_every_route_declares_its_policy(app):
    """Access is declared on the route (pb.access.requires), never left to the view's body."""
    undeclared = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and policy_of(view) is None
    ]
    assert undeclared == []


def test_every_route_has_an_access_rule(app):
    for rule in app.url_map.iter_rules():
        _allowed(rule.endpoint)


@pytest.mark.parametrize("who", sorted(EVERYONE))
def test_every_route_with_every_role(app, world, who):
    user = _users(world)[who]
    world.comment_id = make_comment(world.on_ballot[0], make_user()).id
    world.picture_id = make_picture(world.on_ballot[0]).id
    world.meeting_id = make_meeting(world.voting_pot).id
    client = app.test_client()
    if user is not None:
        client.post("/login", data={"email": user.email, "password": "correct horse battery"})
    checked = 0
    for rule in app.url_map.iter_rules():
        allowed = who in _allowed(rule.endpoint)
        path = _fill(app, rule, world)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if rule.endpoint in ("auth.logout",):
                continue  # would end the session for the rest of the walk
            response = client.open(path, method=method, data={})
            response.close()
            status = response.status_code
            denied = status == 403 or (
                status in (301, 302) and "/login" in response.headers.get("Location", "")
            )
            assert status < 500, (who, method, path)
            if allowed:
                assert not denied, f"{who} was refused {method} {path} ({status})"
            else:
                assert denied, f"{who} was let through {method} {path} ({status})"
            checked += 1
    assert checked > 40
