"""Panel pages for delivery updates on funded projects; the timeline on project pages."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from pb.access import manage_pot, manage_proposal, public_pot, requires
from pb.delivery import services
from pb.delivery.forms import DeliveryUpdateForm
from pb.http import get_or_404, render_form
from pb.pots.models import Phase, Pot
from pb.proposals.models import DELIVERY_STATUSES, Proposal

bp = Blueprint("delivery", __name__, url_prefix="/panel")


@bp.app_template_filter("delivery_status")
def delivery_status(status: str) -> str:
    """A delivery status in words: "in_progress" -> "In progress"."""
    return str(DELIVERY_STATUSES.get(status, status))


@bp.route("/pots/<int:pot_id>/delivery")
@requires(manage_pot)
def pot(pot_id: int):
    pot = get_or_404(Pot, pot_id)
    if pot.phase != Phase.PUBLISHED:
        return render_template("delivery/pot.html", pot=pot, rows=None), 409
    rows = [(p, services.delivery(p, funded=True)) for p in services.funded_proposals(pot)]
    return render_template("delivery/pot.html", pot=pot, rows=rows)


@bp.route("/proposals/<int:proposal_id>/delivery", methods=["GET", "POST"])
@requires(manage_proposal)
def proposal(proposal_id: int):
    proposal = get_or_404(Proposal, proposal_id)
    current = services.delivery(proposal)
    if current is None:
        return _not_funded(proposal)
    if request.method == "GET":
        form = DeliveryUpdateForm(
            latest=current.latest_on, status=current.status, progress=current.progress
        )
    else:
        form = DeliveryUpdateForm(latest=current.latest_on)
    if form.validate_on_submit():
        try:
            services.add_update(
                proposal,
                current_user,
                status=form.status.data,
                progress=form.progress.data,
                text=form.text.data,
                on=form.on.data,
                reason=form.reason.data,
            )
        except services.NotFundedError:
            return _not_funded(proposal)
        except services.DeliveryError as exc:
            form.form_errors.append(str(exc))
        else:
            flash(_("The update on “%(title)s” is published.", title=proposal.title), "success")
            return redirect(url_for("delivery.pot", pot_id=proposal.pot_id), code=303)
    return render_form(
        "delivery/proposal.html", form, proposal=proposal, pot=proposal.pot, delivery=current
    )


def _not_funded(proposal: Proposal):
    return render_template("delivery/not_funded.html", proposal=proposal, pot=proposal.pot), 409


# "We said, we did" for everyone: the funded projects of a pot and where each stands.
public_bp = Blueprint("we_did", __name__)


@public_bp.route("/pots/<int:pot_id>/delivery", endpoint="pot")
@requires(public_pot)
def public_pot_page(pot_id: int):
    pot = get_or_404(Pot, pot_id)
    rows = None
    if pot.is_published:
        rows = [(p, services.delivery(p, funded=True)) for p in services.funded_proposals(pot)]
    return render_template("delivery/public.html", pot=pot, rows=rows)
