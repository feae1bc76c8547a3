from flask import Blueprint, render_template, request
from flask_login import current_user

from pb.access import public, public_pot, requires
from pb.conversation import follows
from pb.http import get_or_404
from pb.pots import services
from pb.pots.models import BALLOT_METHODS, RULE_WORDS, Pot
from pb.voting import ballots, eligibility

bp = Blueprint("pots", __name__)


@bp.route("/")
@requires(public)
def index():
    pots = services.visible_pots()
    counts = services.proposal_counts([p.id for p in pots])
    return render_template("pots/index.html", pots=pots, counts=counts)


@bp.route("/search")
@requires(public)
def search():
    words = request.args.get("q", "")[:200].strip()
    pots, proposals = services.search(words)
    return render_template("pots/search.html", words=words, pots=pots, proposals=proposals)


@bp.route("/pots/<int:pot_id>")
@requires(public_pot)
def show(pot_id: int):
    pot = get_or_404(Pot, pot_id)
    voted = current_user.is_authenticated and eligibility.has_taken_part(current_user, pot)
    count = services.proposal_counts([pot.id]).get(pot.id, 0)
    return render_template(
        "pots/show.html",
        pot=pot,
        following=current_user.is_authenticated and follows.is_following(current_user, pot),
        voted=voted,
        proposal_count=count,
        instructions=ballots.instructions(pot),
        method_label=str(BALLOT_METHODS[pot.ballot_method]),
        rule_words=str(RULE_WORDS.get(pot.rule, pot.rule)),
    )
