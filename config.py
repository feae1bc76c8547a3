"""Settings for pb, read from the environment.

`create_app()` picks a class by `PB_ENV` (development, test, production), which must be set:
a server started without it must not quietly run as a developer's machine. Every value can be
overridden by an environment variable of the same name.
"""

import math
import os
import secrets
from collections import Counter
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("PB_INSTANCE_PATH", BASE_DIR / "instance"))

DEV_SECRET_FILE = "secret_key"


def _dev_secret_key(instance_dir: Path) -> str:
    """Read the development secret from instance/, generating it on first run."""
    path = instance_dir / DEV_SECRET_FILE
    if not path.exists():
        instance_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


# A production SECRET_KEY signs sessions, receipts' nonces and reset links: it must be random.
# The estimate below reads about 115-125 bits for 32 random hex digits (a true 128), so the bar
# is set under that; repeated or patterned keys fall far below it.
MIN_SECRET_BITS = 96
_PLACEHOLDERS = ("change", "secret", "password", "example", "default", "replace", "insecure")


def secret_key_problem(key: str | None) -> str | None:
    """Why `key` is not a real random secret (None when it looks like one).

    The estimate is the key's length times the Shannon entropy of its characters: a hex key of
    64 characters scores about 250 bits, "a" * 32 scores 0 and "abcd" * 8 scores 64. A key that
    repeats a shorter pattern, or contains a placeholder word, is refused whatever its score.
    """
    if not key:
        return "it is not set"
    if len(key) < 32:
        return f"it has {len(key)} characters; use at least 32"
    for period in range(1, len(key) // 2 + 1):
        if len(key) % period == 0 and key == key[:period] * (len(key) // period):
            return "it repeats a short pattern"
    lowered = key.lower()
    if any(word in lowered for word in _PLACEHOLDERS):
        return "it contains a placeholder word"
    counts = Counter(key)
    per_char = -sum(n / len(key) * math.log2(n / len(key)) for n in counts.values())
    if per_char * len(key) < MIN_SECRET_BITS:
        bits = per_char * len(key)
        return f"it has about {bits:.0f} bits of entropy; use at least {MIN_SECRET_BITS}"
    return None


def _proxies(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    ENV_NAME = "base"
    INSTANCE_DIR = INSTANCE_DIR
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'pb.sqlite3'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SECRET_KEY = os.environ.get("SECRET_KEY")
    # Flask-Babel: British English until a reader chooses another language.
    BABEL_DEFAULT_LOCALE = "en_GB"
    BABEL_DEFAULT_TIMEZONE = "Europe/London"
    # pb's own catalogs, then any folders in PB_TRANSLATIONS (";"-separated): a council can add
    # a language from a catalog alone (TRANSLATING.md).
    BABEL_TRANSLATION_DIRECTORIES = ";".join(
        [str(BASE_DIR / "pb" / "translations")]
        + [part for part in os.environ.get("PB_TRANSLATIONS", "").split(";") if part.strip()]
    )

    # Outgoing mail: SMTP when MAIL_SERVER is set, otherwise .eml files in the outbox.
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", True)
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "pb <no-reply@pb.localhost>")
    MAIL_OUTBOX = Path(os.environ.get("MAIL_OUTBOX", INSTANCE_DIR / "outbox"))

    # Background jobs (pb.jobs): run at once in the caller instead of by `pb worker`.
    JOBS_IMMEDIATE = _bool("PB_JOBS_IMMEDIATE")

    # The private halves of the councils' Ed25519 signing keys (`pb signing-key create`), one
    # PEM file per key; a folder of secrets every app server mounts. Default instance/keys.
    SIGNING_KEY_DIR = os.environ.get("SIGNING_KEY_DIR")

    # Links in mail, on printed sheets and in the API are absolute, so the app must know where
    # it is served. Production refuses to start without it (a link built from the request's
    # Host header could be pointed elsewhere by whoever sends the request). In development and
    # tests, unset means the address the server itself listens on (pb.http.absolute_url);
    # `make run` sets it to http://HOST:PORT.
    BASE_URL = os.environ.get("BASE_URL") or None
    EMAIL_CONFIRM_MAX_AGE = 3 * 24 * 3600
    PASSWORD_RESET_MAX_AGE = 3600

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
    SESSION_MAX_HOURS = int(os.environ.get("SESSION_MAX_HOURS", "12"))
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    # Addresses (or networks, like 10.0.0.0/8) of the reverse proxies in front of pb. Only from
    # these are X-Forwarded-For / -Proto / -Host believed (pb.security, werkzeug's ProxyFix);
    # empty, they are ignored and the client's address is the connection's.
    TRUSTED_PROXIES = _proxies(os.environ.get("TRUSTED_PROXIES", ""))
    # How many proxies in a row add themselves to X-Forwarded-For (usually 1).
    PROXY_HOPS = int(os.environ.get("PROXY_HOPS", "1"))
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    # Map tiles for the JavaScript maps, e.g. https://tile.example.org/{z}/{x}/{y}.png, with
    # the attribution its terms ask for. Unset: the ward boundaries are the base map, so no
    # map needs the internet. The tile server's origin is added to the CSP's img-src.
    TILE_URL = os.environ.get("TILE_URL", "")
    TILE_ATTRIBUTION = os.environ.get("TILE_ATTRIBUTION", "")

    # Rate limits (Flask-Limiter) on the forms people could hammer: log-in, registration,
    # password reset, receipt check and access-code entry. Per client address and route.
    # Shared between workers through Redis when REDIS_URL is set.
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_SENSITIVE = os.environ.get("RATELIMIT_SENSITIVE", "10/minute")
    RATELIMIT_HEADERS_ENABLED = True
    # Comments, edits and flags, per address (pb.conversation): enough to talk, not to flood.
    COMMENT_RATE = os.environ.get("COMMENT_RATE", "10/minute;60/hour")
    # Proposal pictures (pb.proposals.pictures, pb.storage): a folder under the instance dir,
    # or an S3-compatible bucket when S3_BUCKET is set (several app servers).
    PICTURE_DIR = os.environ.get("PICTURE_DIR")
    PICTURE_MAX_BYTES = int(os.environ.get("PICTURE_MAX_BYTES", str(5 * 1024 * 1024)))
    S3_BUCKET = os.environ.get("S3_BUCKET")
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL")
    S3_REGION = os.environ.get("S3_REGION")
    # Audit package downloads, per address: the file is static, but it is large.
    AUDIT_DOWNLOAD_RATE = os.environ.get("AUDIT_DOWNLOAD_RATE", "30/minute")
    # Where built audit packages are kept (shared between app servers; pb/audit/storage.py).
    AUDIT_PACKAGE_DIR = os.environ.get("AUDIT_PACKAGE_DIR")
    # After this many failed log-ins for one e-mail address from one client (device or
    # address), each further failure locks that pair for 2^(n - LOGIN_LOCKOUT_AFTER) seconds,
    # at most LOGIN_LOCKOUT_MAX_SECONDS (pb/auth/lockout.py).
    LOGIN_LOCKOUT_AFTER = int(os.environ.get("LOGIN_LOCKOUT_AFTER", "3"))
    LOGIN_LOCKOUT_MAX_SECONDS = int(os.environ.get("LOGIN_LOCKOUT_MAX_SECONDS", "900"))
    # Failures for one account from everywhere, past which devices it does not know wait too.
    LOGIN_ACCOUNT_LOCKOUT_AFTER = int(os.environ.get("LOGIN_ACCOUNT_LOCKOUT_AFTER", "20"))

    @classmethod
    def init(cls) -> None:
        """Fill in values that need the file system (development secret)."""
        if not cls.SECRET_KEY:
            cls.SECRET_KEY = _dev_secret_key(cls.INSTANCE_DIR)


class DevelopmentConfig(Config):
    ENV_NAME = "development"


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"
    SQLALCHEMY_DATABASE_URI = os.environ.get("PB_TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    MAIL_SERVER = None
    JOBS_IMMEDIATE = True
    # Kept on, but high enough that no test trips it by accident (tests/auth/test_limits.py
    # lowers it); in memory so a REDIS_URL on the machine does not leak between runs.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_SENSITIVE = "10000/minute"
    AUDIT_DOWNLOAD_RATE = "10000/minute"
    COMMENT_RATE = "10000/minute"

    @classmethod
    def init(cls) -> None:
        pass


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    ALLOW_SQLITE = _bool("PB_ALLOW_SQLITE")

    @classmethod
    def init(cls) -> None:
        """Refuse to start with settings that are only safe on a developer's machine."""
        if problem := secret_key_problem(cls.SECRET_KEY):
            raise RuntimeError(
                f"SECRET_KEY is not a real random secret ({problem}): in production set it to "
                'a random value, e.g. python -c "import secrets; print(secrets.token_hex(32))"'
            )
        if cls.SQLALCHEMY_DATABASE_URI.startswith("sqlite") and not cls.ALLOW_SQLITE:
            raise RuntimeError(
                "production needs DATABASE_URL pointing at PostgreSQL "
                "(set PB_ALLOW_SQLITE=1 to run on SQLite anyway)"
            )
        if not cls.BASE_URL or not cls.BASE_URL.startswith(("https://", "http://")):
            raise RuntimeError(
                "production needs BASE_URL, the site's address as residents reach it "
                "(e.g. https://pb.example.gov.uk): links in mail and the API are built from it"
            )


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def get_config(name: str | None = None) -> type[Config]:
    """The config class for `name`, or for PB_ENV, which must then be set."""
    name = name or os.environ.get("PB_ENV")
    if not name:
        raise RuntimeError(
            "PB_ENV is not set: set it to production on a server, or development on your own "
            "machine (`make run` does that)"
        )
    try:
        cls = CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"unknown PB_ENV {name!r}: use one of {', '.join(CONFIGS)}") from None
    cls.init()
    return cls
