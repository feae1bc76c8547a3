"""Small helpers that every area's views share."""

from flask import abort, current_app, has_request_context, render_template, request, url_for

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


def base_url() -> str:
    """The site's address: BASE_URL, or (development and tests, where it may be unset) the
    address this server listens on, from the socket it was started on rather than the request's
    Host header; outside a request, http://127.0.0.1:5000."""
    configured = current_app.config.get("BASE_URL")
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        environ = request.environ
        scheme = environ.get("wsgi.url_scheme", "http")
        host, port = environ.get("SERVER_NAME", "127.0.0.1"), str(environ.get("SERVER_PORT", ""))
        default = (scheme, port) in (("http", "80"), ("https", "443"))
        return f"{scheme}://{host}" + ("" if default or not port else f":{port}")
    return "http://127.0.0.1:5000"


def absolute_url(endpoint: str, **values) -> str:
    """A link for mail, printed sheets and the API, on the site's address (base_url)."""
    return base_url() + url_for(endpoint, **values)
