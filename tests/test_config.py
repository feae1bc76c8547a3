import secrets

import pytest

import config
from pb import create_app


def test_production_refuses_to_start_without_a_real_secret(monkeypatch):
    monkeypatch.setattr(config.ProductionConfig, "SECRET_KEY", None)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")
    monkeypatch.setattr(config.ProductionConfig, "SECRET_KEY", "too short")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def test_production_refuses_sqlite_unless_allowed(monkeypatch):
    monkeypatch.setattr(config.ProductionConfig, "SECRET_KEY", secrets.token_hex(32))
    monkeypatch.setattr(config.ProductionConfig, "SQLALCHEMY_DATABASE_URI", "sqlite:///x.db")
    with pytest.raises(RuntimeError, match="PostgreSQL"):
        create_app("production")
    monkeypatch.setattr(config.ProductionConfig, "ALLOW_SQLITE", True)
    monkeypatch.setattr(config.ProductionConfig, "BASE_URL", "https://pb.example.gov.uk")
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_production_refuses_to_start_without_its_address(monkeypatch):
    monkeypatch.setattr(config.ProductionConfig, "SECRET_KEY", secrets.token_hex(32))
    monkeypatch.setattr(config.ProductionConfig, "ALLOW_SQLITE", True)
    for missing in (None, "", "pb.example.gov.uk"):
        monkeypatch.setattr(config.ProductionConfig, "BASE_URL", missing)
        with pytest.raises(RuntimeError, match="BASE_URL"):
            create_app("production")


def test_links_use_base_url_or_the_address_the_server_listens_on(app, monkeypatch):
    from pb.http import absolute_url

    with app.test_request_context("/", base_url="http://10.1.2.3:8080"):
        assert absolute_url("pots.index") == "http://10.1.2.3:8080/"
    # The Host header does not move the links: only the socket the server listens on does.
    with app.test_request_context(
        "/", base_url="http://10.1.2.3:8080", headers={"Host": "evil.example"}
    ):
        assert absolute_url("pots.index") == "http://10.1.2.3:8080/"
    monkeypatch.setitem(app.config, "BASE_URL", "https://pb.example.gov.uk/")
    with app.test_request_context("/"):
        assert absolute_url("pots.show", pot_id=3) == "https://pb.example.gov.uk/pots/3"


def test_development_generates_and_keeps_its_secret(tmp_path, monkeypatch):
    monkeypatch.setattr(config.DevelopmentConfig, "SECRET_KEY", None)
    monkeypatch.setattr(config.DevelopmentConfig, "INSTANCE_DIR", tmp_path)
    first = create_app("development").config["SECRET_KEY"]
    monkeypatch.setattr(config.DevelopmentConfig, "SECRET_KEY", None)
    second = create_app("development").config["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_database_defaults_to_sqlite_under_instance():
    assert config.Config.SQLALCHEMY_DATABASE_URI.startswith("sqlite:///") or config.os.environ.get(
        "DATABASE_URL"
    )
    assert "instance" in str(config.Config.MAIL_OUTBOX) or config.os.environ.get("MAIL_OUTBOX")


def test_unknown_environment_name_is_refused():
    with pytest.raises(RuntimeError, match="unknown PB_ENV"):
        create_app("staging")


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("a" * 32, "repeats a short pattern"),  # issue 14: accepted before
        ("abcd" * 16, "repeats a short pattern"),
        ("abababababababababababababababac", "bits of entropy"),
        ("please-change-me-to-a-random-value-1234", "placeholder"),
        ("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", "bits of entropy"),
        ("short", "at least 32"),
        (None, "not set"),
    ],
)
def test_production_refuses_low_entropy_secrets(monkeypatch, key, problem):
    assert problem in config.secret_key_problem(key)
    monkeypatch.setattr(config.ProductionConfig, "SECRET_KEY", key)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def test_real_random_secrets_are_accepted():
    for _ in range(50):
        assert config.secret_key_problem(secrets.token_hex(32)) is None
        assert config.secret_key_problem(secrets.token_urlsafe(32)) is None
        assert config.secret_key_problem(secrets.token_hex(16)) is None  # 128 bits


def test_pb_env_must_be_set(monkeypatch):
    """Issue 14: with PB_ENV unset the app ran in development mode."""
    monkeypatch.delenv("PB_ENV", raising=False)
    with pytest.raises(RuntimeError, match="PB_ENV is not set"):
        create_app()
    monkeypatch.setenv("PB_ENV", "test")
    assert create_app().config["ENV_NAME"] == "test"
