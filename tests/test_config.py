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
    monkeypatch.setattr(config.ProductionConfig, "SECRET_KEY", "x" * 40)
    monkeypatch.setattr(config.ProductionConfig, "SQLALCHEMY_DATABASE_URI", "sqlite:///x.db")
    with pytest.raises(RuntimeError, match="PostgreSQL"):
        create_app("production")
    monkeypatch.setattr(config.ProductionConfig, "ALLOW_SQLITE", True)
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] is True


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
