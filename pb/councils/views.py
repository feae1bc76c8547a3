"""The council admin's pages for the postcode-to-ward list."""

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from pb import csvimport
from pb.access import admin, public, requires
from pb.councils import identity, imports
from pb.councils.forms import ConfirmImportForm, CouncilIdentityForm, PostcodeUploadForm
from pb.councils.models import Council
from pb.csvimport import CsvFileError
from pb.http import get_or_404, render_form
from pb.i18n import number
from pb.transaction import after_commit

bp = Blueprint("councils", __name__, url_prefix="/panel/postcodes")


@bp.url_value_preprocessor
def _allow_uploads(endpoint, values):
    # Runs before the CSRF check reads the form: see pb.electorate.views for why.
    if endpoint == "councils.postcodes":
        request.max_content_length = 2 * csvimport.MAX_BYTES


def _scope() -> str:
    return f"postcodes:user:{current_user.id}"


@bp.route("/", methods=["GET", "POST"])
@requires(admin)
def postcodes():
    form = PostcodeUploadForm()
    if form.validate_on_submit():
        try:
            text = csvimport.read_upload(form.file.data)
            csvimport.read_rows(text, imports.POSTCODE_COLUMNS)
        except CsvFileError as exc:
            form.file.errors.append(str(exc))
        else:
            token = csvimport.stage_upload(_scope(), form.file.data.filename, text)
            return redirect(url_for("councils.preview", token=token), 303)
    return render_form("councils/postcodes.html", form, wards=imports.postcodes_per_ward())


@bp.route("/uploads/<token>", methods=["GET", "POST"])
@requires(admin)
def preview(token: str):
    if not csvimport.valid_token(token):
        abort(404)
    upload = csvimport.load_upload(_scope(), token)
    if upload is None:
        flash(_("That upload has expired or is not yours. Upload the file again."), "error")
        return redirect(url_for("councils.postcodes"), 303)
    form = ConfirmImportForm()
    problem, status = None, 200
    if form.validate_on_submit():
        try:
            done = imports.import_postcodes(upload.text, current_user)
        except imports.PostcodeImportError:
            problem, status = _("The file has problems now, so nothing was imported."), 422
        except IntegrityError:
            problem = _(
                "Another import added some of these postcodes at the same time. "
                "Nothing was imported; check the file again."
            )
            status = 409
        else:
            after_commit(lambda: csvimport.discard_upload(token))
            flash(
                _(
                    "Postcodes imported: %(new)s new, %(moved)s moved to another ward, "
                    "%(unchanged)s unchanged.",
                    new=number(done.new),
                    moved=number(done.moved),
                    unchanged=number(done.unchanged),
                ),
                "success",
            )
            return redirect(url_for("councils.postcodes"), 303)
    check = imports.check_postcodes(upload.text)
    return render_template(
        "councils/preview.html", form=form, upload=upload, check=check, problem=problem
    ), status


# The council's identity, on every page: its colour, logo and favicon (no prefix: /theme.css).
site_bp = Blueprint("identity", __name__)
_DAY = 24 * 3600


@site_bp.url_value_preprocessor
def _allow_logo_upload(endpoint, values):
    # A logo file and the form around it; larger requests are refused before they are read.
    if endpoint == "identity.edit_identity":
        request.max_content_length = identity.LOGO_MAX_UPLOAD + 64 * 1024


@site_bp.route("/theme.css")
@requires(public)
def theme_css():
    council = identity.home_council()
    colour = identity.colour_of(council)
    body = f":root{{--pb-council-colour:{colour}}}\n"
    response = make_response(body)
    response.headers["Content-Type"] = "text/css; charset=utf-8"
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@site_bp.route("/councils/<council_id>/logo")
@requires(public)
def logo(council_id):
    council = get_or_404(Council, council_id)
    if not council.logo:
        abort(404)
    response = make_response(council.logo)
    response.headers["Content-Type"] = council.logo_type or "image/png"
    response.headers["Cache-Control"] = f"public, max-age={_DAY}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.set_etag(identity.logo_etag(council))
    return response.make_conditional(request)


@site_bp.route("/favicon.ico")
@requires(public)
def favicon():
    council = identity.home_council()
    response = make_response(identity.favicon_png(council))
    response.headers["Content-Type"] = "image/png"
    response.headers["Cache-Control"] = f"public, max-age={_DAY}"
    return response


@site_bp.route("/panel/council", methods=["GET", "POST"])
@requires(admin)
def edit_identity():
    council = identity.home_council()
    if council is None:
        abort(404)
    form = CouncilIdentityForm(obj=council)
    if form.validate_on_submit():
        upload = form.logo.data
        data = upload.read(identity.LOGO_MAX_UPLOAD + 1) if upload and upload.filename else b""
        try:
            logo = identity.reencode_logo(data) if data else None
        except identity.LogoError as exc:
            form.logo.errors.append(str(exc))
        else:
            council.name = form.name.data.strip()
            council.colour = form.colour.data
            council.website_url = form.website_url.data
            if logo:
                council.logo, council.logo_type = logo
            elif form.remove_logo.data:
                council.logo, council.logo_type = None, None
            flash(_("The council's name, colour and logo are saved."), "success")
            return redirect(url_for("identity.edit_identity"), 303)
    return render_form("councils/identity.html", form, council=council)
