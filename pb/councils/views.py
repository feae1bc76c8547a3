"""The council admin's pages for the postcode-to-ward list."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from pb import csvimport
from pb.access import admin, requires
from pb.councils import imports
from pb.councils.forms import ConfirmImportForm, PostcodeUploadForm
from pb.csvimport import CsvFileError
from pb.http import render_form
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
