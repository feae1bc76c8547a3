"""The Flask app: configuration, extensions, blueprints, template filters and error pages."""

import logging
from pathlib import Path

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

import pb
from config import get_config
from pb import i18n, security
from pb import input as request_input
from pb.audit import signing
from pb.councils import identity
from pb.extensions import babel, csrf, db, limiter, login_manager, migrate
from pb.money import format_money
from pb.results import explain
from pb.sqlite import make_transactional
from pb.timeutil import today
from pb.transaction import App

ROOT = Path(__file__).resolve().parent.parent


def build_app(config_name: str | None = None, **overrides) -> Flask:
    """Build the app: config, extensions, blueprints, error pages."""
    config = get_config(config_name)
    app = App(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(config.INSTANCE_DIR),
    )
    app.config.from_object(config)
    app.config.update(overrides)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            make_transactional(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    babel.init_app(app, locale_selector=i18n.select_locale)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    security.init_app(app)
    request_input.init_app(app)

    from pb import jobs, models  # noqa: F401  (every table registered before anything queries)

    jobs.configure(app)
    from pb.admin.mail import bp as mail_admin_bp
    from pb.admin.views import bp as admin_bp
    from pb.api.views import bp as api_bp
    from pb.assets.views import bp as assets_bp
    from pb.audit.views import bp as audit_bp
    from pb.auth.views import bp as auth_bp
    from pb.conversation import schedule  # noqa: F401  (the worker's periodic tasks)
    from pb.conversation.views import bp as conversation_bp
    from pb.councils.views import bp as councils_bp
    from pb.councils.views import site_bp as identity_bp
    from pb.dashboard.views import bp as dashboard_bp
    from pb.delivery.views import bp as delivery_bp
    from pb.delivery.views import public_bp as we_did_bp
    from pb.electorate.views import bp as electorate_bp
    from pb.languages.views import bp as languages_bp
    from pb.maps.views import bp as maps_bp
    from pb.meetings.views import bp as meetings_bp
    from pb.panel.conversation import bp as moderation_bp
    from pb.panel.review import bp as review_bp
    from pb.panel.views import bp as panel_bp
    from pb.paper.views import bp as paper_bp
    from pb.pots.views import bp as pots_bp
    from pb.proposals.picture_views import bp as pictures_bp
    from pb.proposals.views import bp as proposals_bp
    from pb.results.views import bp as results_bp
    from pb.voting.views import bp as voting_bp

    for blueprint in (
        pots_bp,
        auth_bp,
        proposals_bp,
        voting_bp,
        panel_bp,
        review_bp,
        paper_bp,
        results_bp,
        admin_bp,
        audit_bp,
        electorate_bp,
        councils_bp,
        identity_bp,
        dashboard_bp,
        delivery_bp,
        we_did_bp,
        maps_bp,
        assets_bp,
        api_bp,
        conversation_bp,
        moderation_bp,
        mail_admin_bp,
        pictures_bp,
        meetings_bp,
        languages_bp,
    ):
        app.register_blueprint(blueprint)

    app.add_template_filter(_money, "money")
    app.add_template_filter(_reason, "reason")
    app.add_template_filter(explain.in_order, "in_order")
    i18n.register_template_helpers(app)
    app.add_template_filter(_rule_words, "rule_words")
    app.jinja_env.globals["app_version"] = pb.__version__
    app.jinja_env.globals["signing_fingerprint"] = signing.fingerprint_of
    app.jinja_env.globals["council_of"] = identity.council_of
    app.jinja_env.globals["today"] = today
    _register_error_pages(app)
    return app


def _money(amount, currency: str) -> str:
    """The `money` filter: `{{ pot.amount|money(pot.currency) }}`; the currency is required."""
    return format_money(amount, currency)


def _rule_words(rule: str) -> str:
    """The `rule_words` filter: a counting rule in words ("Equal Shares, topped up")."""
    from pb.pots.models import RULE_WORDS

    return str(RULE_WORDS.get(rule, rule))


def _reason(project: dict, currency: str) -> str:
    """The `reason` filter: why a project was or was not funded, money in `currency`."""
    return explain.reason(project, currency=currency)


def _register_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_template("errors/csrf.html"), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if request.path.startswith("/api/"):
            # No API route matched (an id beyond any row's, say): still the API's JSON.
            from pb.api.views import error_response

            return error_response(error.code, error.description or error.name)
        # Werkzeug's own descriptions are English; a description pb gave is already translated.
        own = error.description if error.description != type(error).description else None
        return render_template("errors/error.html", error=error, message=own), error.code

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        # Last line of defence: log it and say so plainly (pb.transaction undid the work).
        if app.testing:
            raise error  # tests must see the traceback, not a polite page
        app.logger.exception("unexpected error")
        return render_template("errors/error.html", error=None), 500
