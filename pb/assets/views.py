"""The community asset register: the public list and map, proposing, the panel's review."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from pb.access import public, requires, review_assets, signed_in
from pb.assets import services
from pb.assets.forms import AssetForm, ReviewAssetForm
from pb.assets.models import CommunityAsset
from pb.councils.models import site_council
from pb.http import get_or_404, render_form
from pb.maps.services import assets_map
from pb.places.tiles import tiles

bp = Blueprint("assets", __name__)


def _council():
    council = site_council()
    if council is None:
        abort(404)
    return council


@bp.route("/assets")
@requires(public)
def index():
    council = _council()
    view = assets_map(council, url_for)
    return render_template("assets/index.html", council=council, view=view, tiles=tiles())


@bp.route("/assets/new", methods=["GET", "POST"])
@requires(signed_in)
def new():
    council = _council()
    form = AssetForm(council)
    if form.validate_on_submit():
        asset = services.propose_asset(council, current_user, form.place, **form.fields())
        flash(
            _("Thank you: the panel will look at your entry before it joins the register."),
            "success",
        )
        return redirect(url_for("assets.show", asset_id=asset.id), 303)
    return render_form("assets/form.html", form, council=council, tiles=tiles())


@bp.route("/assets/<int:asset_id>")
@requires(public)
def show(asset_id: int):
    asset = get_or_404(CommunityAsset, asset_id)
    if not services.visible_to(asset, current_user):
        abort(404)
    return render_template("assets/show.html", asset=asset)


@bp.route("/panel/assets")
@requires(review_assets)
def waiting():
    return render_template("assets/waiting.html", assets=services.waiting_assets())


@bp.route("/panel/assets/<int:asset_id>", methods=["GET", "POST"])
@requires(review_assets)
def review(asset_id: int):
    asset = get_or_404(CommunityAsset, asset_id)
    form = ReviewAssetForm()
    if form.validate_on_submit():
        try:
            services.review_asset(
                asset,
                current_user,
                approve=form.decision.data == "approve",
                reason=form.reason.data or "",
            )
        except services.AssetError as exc:
            form.form_errors.append(str(exc))
            return render_template("assets/review.html", asset=asset, form=form), 409
        flash(_("Your decision on %(name)s is saved.", name=asset.name), "success")
        return redirect(url_for("assets.waiting"), 303)
    return render_form("assets/review.html", form, asset=asset)
