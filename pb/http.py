"""Small helpers that every area's views share."""

from flask import abort, current_app, render_template, request, url_for

from pb.extensions import db, limiter
from pb.input import parse_id


def _sensitive_rate() -> str:
    return current_app.config["RATELIMIT_SENSITIVE"]


# For forms worth guessing at (passwords, receipts, access codes): per client address and
# route, POSTs only, so reading the page stays free. Over the limit: the 429 error page.
sensitive_limit = limiter.limit(_sensitive_rate, methods=["POST"])


def render_form(template: str, form, **context):
    """Render a page with a form: 422 when a submitted form had errors, 200 otherwise."""
    status = 422 if request.method == "POST" and form.errors else 200
    return render_template(template, form=form, **context), status


def get_or_404(model, ident):
    """The row with this primary key, or a 404 page (also for ids that are not numbers, or
    too large to be one: PostgreSQL would refuse to compare them)."""
    ident = parse_id(ident)
    obj = db.session.get(model, ident) if ident is not None else None
    if obj is None:
        abort(404)
    return obj


def absolute_url(endpoint: str, **values) -> str:
    """A link for mail, on the site's configured address rather than the request's host."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)
