from sqlalchemy import select

from pb.councils.models import Council
from pb.extensions import db


def test_rows_do_not_leak_between_tests_a(world):
    assert db.session.scalar(select(Council).where(Council.name == "Testshire Council"))


def test_rows_do_not_leak_between_tests_b(client):
    assert db.session.scalar(select(Council)) is None
    assert client.get("/").status_code == 200


def test_a_commit_inside_a_test_is_rolled_back_afterwards_a(world):
    db.session.commit()
    assert db.session.scalar(select(Council.name)) == "Testshire Council"


def test_a_commit_inside_a_test_is_rolled_back_afterwards_b():
    assert db.session.scalar(select(Council)) is None
