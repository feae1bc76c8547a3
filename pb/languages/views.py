"""The language link, the council's choice of languages, and content in several languages."""

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from pb import i18n
from pb.access import admin, manage_pot, manage_proposal, public, requires
from pb.audit.services import record
from pb.councils.models import site_council
from pb.http import get_or_404, render_form
from pb.languages.forms import LanguagesForm, translation_form, translations_from
from pb.pots.models import Pot
from pb.proposals.models import Proposal
from pb.redirects import safe_next
from pb.transaction import after_commit

bp = Blueprint("languages", __name__)

POT_FIELDS = {"name": (_l("Name"), 200), "description": (_l("Description"), 4000)}
PROPOSAL_FIELDS = {"title": (_l("Title"), 1000), "summary": (_l("Summary"), 1000)}


@bp.route("/language/<code>")
@requires(public)
def choose(code: str):
    """Switch the site's language (a plain link: no JavaScript, no form) and go back."""
    chosen = i18n.usable(code)
    back = safe_next(request.args.get("next"), url_for("pots.index"))
    if chosen is None:
        abort(404)
    i18n.remember(chosen, current_user)  # the request's end commits the account's choice
    return redirect(back, code=303)


@bp.route("/panel/languages", methods=["GET", "POST"])
@requires(admin)
def settings():
    """The council admin chooses the languages the site offers and its default."""
    council = site_council()
    if council is None:
        abort(404)
    available = i18n.catalog_locales()
    form = LanguagesForm(
        available,
        data={
            "languages": council.language_list or available,
            "default_locale": council.source_locale,
        },
    )
    if form.validate_on_submit():
        council.languages = " ".join(form.languages.data)
        council.default_locale = form.default_locale.data
        record("council.languages", actor=current_user, languages=council.languages)
        chosen, default = council.language_list, council.default_locale
        after_commit(lambda: i18n.remember_council_languages(chosen, default))
        flash(_("The site's languages have been saved."), "success")
        return redirect(url_for("languages.settings"), code=303)
    return render_form("languages/settings.html", form, council=council)


def _other_languages(source: str) -> list[str]:
    return [code for code in i18n.offered_locales() if code != source]


@bp.route("/panel/pots/<int:pot_id>/translations", methods=["GET", "POST"])
@requires(manage_pot)
def pot(pot_id: int):
    """The pot's name and description in the council's other languages."""
    pot = get_or_404(Pot, pot_id)
    return _translate(pot, POT_FIELDS, pot.council.source_locale, pot=pot, what=pot.name)


@bp.route("/panel/proposals/<int:proposal_id>/translations", methods=["GET", "POST"])
@requires(manage_proposal)
def proposal(proposal_id: int):
    """A proposal's title and summary in the council's other languages."""
    proposal = get_or_404(Proposal, proposal_id)
    source = proposal.pot.council.source_locale
    return _translate(proposal, PROPOSAL_FIELDS, source, pot=proposal.pot, what=proposal.title)


def _translate(row, fields, source: str, *, pot, what: str):
    locales = _other_languages(source)
    form = translation_form(locales, fields, row.translations or {})
    if form.validate_on_submit():
        for code, values in translations_from(form, locales, fields).items():
            i18n.set_translations(row, code, values)
        flash(_("The translations have been saved."), "success")
        return redirect(request.path, code=303)
    return render_form(
        "languages/translations.html",
        form,
        pot=pot,
        what=what,
        locales=locales,
        fields=fields,
        source=i18n.language_name(source),
    )
