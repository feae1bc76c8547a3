"""Mail is written in the recipient's language, whoever (or whatever) sends it."""

from flask_babel import lazy_gettext

from pb.extensions import db
from pb.mail import queue_mail
from tests.factories import make_pot, make_proposal, make_user

REGISTRATION = {
    "email": "gwen@example.org",
    "display_name": "Gwen",
    "postcode": "AB1 1AA",
    "date_of_birth": "1985-03-02",
    "password": "a long enough password",
    "confirm": "a long enough password",
}


def test_registering_in_welsh_gets_welsh_mail_and_keeps_welsh(client, world, outbox):
    response = client.post("/register?lang=cy", data=REGISTRATION)
    assert response.status_code == 302
    mail = outbox.last_to("gwen@example.org")
    assert mail.subject == "Cadarnhewch eich cyfeiriad e-bost"
    assert "Helo Gwen," in mail.body
    assert "Mae'r ddolen yn gweithio am 3 diwrnod." in mail.body
    # Later mail (a reset asked from an English page) is still in the language on the account.
    client.post("/password/forgot", data={"email": "gwen@example.org"})
    assert outbox.last_to("gwen@example.org").subject == "Ailosodwch eich cyfrinair"


def test_the_proposer_is_told_in_their_language_not_the_panel_s(client, login, world, outbox):
    pot = make_pot(world.council, world.north, phase="review")
    proposer = make_user(email="ola@example.org", locale="pl")
    proposal = make_proposal(pot, status="submitted", proposer=proposer, title="Ławki w parku")
    login(make_user(roles=[("panel", world.north.id)]))
    url = f"/panel/proposals/{proposal.id}/not-feasible"
    note = "The land belongs to the railway."
    assert client.post(url, data={"note": note}).status_code == 303
    mail = outbox.last_to("ola@example.org")
    assert mail.subject == "Oceniono: „Ławki w parku”"
    assert "Panel okręgu ocenił „Ławki w parku”" in mail.body
    assert "uznał, że nie jest wykonalna" in mail.body
    assert note in mail.body
    # The panel member's own page stayed in English.
    assert 'lang="en-GB"' in client.get(f"/panel/pots/{pot.id}").text


def test_mail_from_the_job_queue_is_in_the_recipient_s_language(app, outbox):
    # A job runs in an app context with no request (pb worker): no reader to take it from.
    user = make_user(email="tomasz@example.org", locale="pl")
    with app.app_context():
        queue_mail(
            user.email,
            lazy_gettext("Reset your password"),
            "mail/reset_password.txt",
            locale=user.locale,
            user=user,
            url="http://x/reset",
        )
        db.session.commit()
    mail = outbox.last_to("tomasz@example.org")
    assert mail.subject == "Zresetuj hasło"
    assert "Link działa przez godzinę i tylko raz." in mail.body


def test_without_a_locale_mail_is_in_british_english(app, outbox):
    with app.app_context():
        queue_mail("x@example.org", "Hello", "mail/reset_no_account.txt", register_url="u")
        db.session.commit()
    assert outbox.last_to("x@example.org").body.startswith("Hello,")
