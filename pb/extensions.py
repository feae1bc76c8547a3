"""Flask extensions, created unbound here and bound to the app in `create_app()`."""

from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_babel import lazy_gettext as _l
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints let Alembic alter and drop them the same way on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

# Models subclass `Model`: the same class as `db.Model`, which mypy cannot see through (it is an
# attribute built at run time), so the checker gets a static class with the same bases.
if TYPE_CHECKING:
    from flask_sqlalchemy.model import Model as _QueryModel

    class Model(Base, _QueryModel):
        __abstract__ = True
else:
    Model = db.Model
migrate = Migrate()
# Translations: templates use {{ _("...") }}, Python code flask_babel.gettext / lazy_gettext.
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please log in to continue.")
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"
# Not Flask-Login's own identifier, which reads X-Forwarded-For from any client (see there).
login_manager._session_identifier_generator = lambda: _client_identifier()


def _client_identifier() -> str:
    from pb.auth.sessions import client_identifier

    return client_identifier()


# Storage, limits and switches come from the RATELIMIT_* settings in config.py.
limiter = Limiter(key_func=get_remote_address)
