"""The panel's pages for who may vote: importing a voter roll, making and voiding access codes."""

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from pb import csvimport
from pb.access import manage_pot, requires
from pb.csvimport import CsvFileError
from pb.electorate import roll, services
from pb.electorate.forms import (
    ConfirmImportForm,
    GenerateCodesForm,
    RollUploadForm,
    VoidCodeForm,
)
from pb.electorate.models import AccessCodeBatch
from pb.http import absolute_url, get_or_404, render_form
from pb.i18n import number
from pb.pots.models import PhaseError, Pot
from pb.transaction import after_commit

bp = Blueprint("electorate", __name__)

UPLOAD_ENDPOINTS = {"electorate.roll_upload"}


@bp.url_value_preprocessor
def _allow_uploads(endpoint, values):
    # This hook runs before the CSRF check reads the form, so an upload may be larger than
    # the app's usual limit; up to twice the import's own limit, so that it, not a bare
    # 413, usually tells the panel what is wrong.
    if endpoint in UPLOAD_ENDPOINTS:
        request.max_content_length = 2 * csvimport.MAX_BYTES


def _managed_pot(pot_id: int) -> Pot:
    return get_or_404(Pot, pot_id)


def _roll_scope(pot: Pot) -> str:
    return f"roll:{pot.id}:user:{current_user.id}"


@bp.route("/panel/pots/<int:pot_id>/roll", methods=["GET", "POST"])
@requires(manage_pot)
def roll_upload(pot_id: int):
    pot = _managed_pot(pot_id)
    form = RollUploadForm()
    if request.method == "POST" and pot.settings_frozen:
        return _roll_page(pot, form), 409
    if form.validate_on_submit():
        try:
            text = csvimport.read_upload(form.file.data)
            csvimport.read_rows(text, roll.ROLL_COLUMNS)
        except CsvFileError as exc:
            form.file.errors.append(str(exc))
        else:
            token = csvimport.stage_upload(_roll_scope(pot), form.file.data.filename, text)
            return redirect(url_for("electorate.roll_preview", pot_id=pot.id, token=token), 303)
    return render_form("electorate/roll.html", form, pot=pot, size=roll.roll_size(pot))


def _roll_page(pot: Pot, form) -> str:
    return render_template("electorate/roll.html", form=form, pot=pot, size=roll.roll_size(pot))


@bp.route("/panel/pots/<int:pot_id>/roll/uploads/<token>", methods=["GET", "POST"])
@requires(manage_pot)
def roll_preview(pot_id: int, token: str):
    pot = _managed_pot(pot_id)
    if not csvimport.valid_token(token):
        abort(404)
    upload = csvimport.load_upload(_roll_scope(pot), token)
    if upload is None:
        flash(_("That upload has expired or is not yours. Upload the file again."), "error")
        return redirect(url_for("electorate.roll_upload", pot_id=pot.id), 303)
    form = ConfirmImportForm()
    problem, status = None, 200
    if form.validate_on_submit():
        try:
            count = roll.import_roll(pot, upload.text, current_user)
        except roll.RollImportError:
            problem, status = _("The file has problems now, so nothing was imported."), 422
        except PhaseError as exc:
            problem, status = str(exc), 409
        except IntegrityError:
            problem = _(
                "Someone imported some of these references at the same time. "
                "Nothing was imported; check the file again."
            )
            status = 409
        else:
            after_commit(lambda: csvimport.discard_upload(token))
            added = ngettext(
                "%(count)s entry was added to the voter roll.",
                "%(count)s entries were added to the voter roll.",
                count,
                count=number(count),
            )
            flash(added, "success")
            return redirect(url_for("electorate.roll_upload", pot_id=pot.id), 303)
    check = roll.check_roll(pot, upload.text)
    return render_template(
        "electorate/roll_preview.html",
        pot=pot,
        form=form,
        upload=upload,
        check=check,
        problem=problem,
        frozen=pot.settings_frozen,
    ), status


@bp.route("/panel/pots/<int:pot_id>/codes", methods=["GET", "POST"])
@requires(manage_pot)
def codes(pot_id: int):
    pot = _managed_pot(pot_id)
    form = GenerateCodesForm()
    problem = None
    if form.validate_on_submit():
        try:
            batch = services.generate_batch(pot, form.label.data, form.count.data, current_user)
        except PhaseError as exc:
            problem = str(exc)
        else:
            made = ngettext(
                "%(count)s access code was made.",
                "%(count)s access codes were made.",
                form.count.data,
                count=number(form.count.data),
            )
            flash(made, "success")
            return redirect(url_for("electorate.batch", pot_id=pot.id, batch_id=batch.id), 303)
    response, status = render_form(
        "electorate/codes.html",
        form,
        pot=pot,
        summaries=services.batch_summaries(pot),
        voided=services.voided_codes(pot),
        problem=problem,
        format_code=services.format_code,
    )
    return response, 409 if problem else status


def _batch(pot: Pot, batch_id: int) -> AccessCodeBatch:
    batch = get_or_404(AccessCodeBatch, batch_id)
    if batch.pot_id != pot.id:
        abort(404)
    return batch


@bp.route("/panel/pots/<int:pot_id>/codes/<int:batch_id>")
@requires(manage_pot)
def batch(pot_id: int, batch_id: int):
    pot = _managed_pot(pot_id)
    batch = _batch(pot, batch_id)
    return render_template("electorate/batch.html", pot=pot, summary=services.batch_summary(batch))


@bp.route("/panel/pots/<int:pot_id>/codes/<int:batch_id>/codes.csv")
@requires(manage_pot)
def batch_csv(pot_id: int, batch_id: int):
    pot = _managed_pot(pot_id)
    batch = _batch(pot, batch_id)
    response = Response(services.batch_csv(batch), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="access-codes-pot{pot.id}-batch{batch.id}.csv"'
    )
    response.headers["Cache-Control"] = "no-store"  # the codes are as good as ballots
    return response


@bp.route("/panel/pots/<int:pot_id>/codes/<int:batch_id>/print")
@requires(manage_pot)
def batch_print(pot_id: int, batch_id: int):
    pot = _managed_pot(pot_id)
    batch = _batch(pot, batch_id)
    codes = [code for code, status in services.batch_codes(batch) if status == "ok"]
    page = render_template(
        "electorate/print.html",
        pot=pot,
        batch=batch,
        codes=codes,
        format_code=services.format_code,
        vote_url=absolute_url("voting.prove", pot_id=pot.id),
    )
    return page, 200, {"Cache-Control": "no-store"}


@bp.route("/panel/pots/<int:pot_id>/codes/void", methods=["GET", "POST"])
@requires(manage_pot)
def void_code(pot_id: int):
    pot = _managed_pot(pot_id)
    form = VoidCodeForm()
    if form.validate_on_submit():
        try:
            code = services.void_code(pot, form.code.data, form.reason.data, current_user)
        except (services.AccessCodeError, PhaseError) as exc:
            form.code.errors.append(str(exc))
            return render_template("electorate/void.html", form=form, pot=pot), 409
        flash(
            _(
                "%(format_code)s is void: it cannot be used to vote.",
                format_code=services.format_code(code.code),
            ),
            "success",
        )
        return redirect(url_for("electorate.codes", pot_id=pot.id), 303)
    return render_form("electorate/void.html", form, pot=pot)
