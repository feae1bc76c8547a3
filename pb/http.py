"""Small helpers that every area's views share."""

from flask import abort, render_template, request
from flask_login import current_user

from pb.extensions import db


def render_form(template: str, form, **context):
    """Render a page with a form: 422 when a submitted form had errors, 200 otherwise."""
    status = 422 if request.method == "POST" and form.errors else 200
    return render_template(template, form=form, **context), status


def get_or_404(model, ident):
    """The row with this primary key, or a 404 page (also for ids that are not numbers)."""
    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    return obj


def require_role(role: str, ward_id: int | None = None) -> None:
    """Stop with 403 unless the logged-in user holds `role` (for `ward_id`)."""
    if not current_user.is_authenticated:
        abort(401)
    if not current_user.has_role(role, ward_id):
        abort(403)
