"""Make SQLite behave like a real transactional database for pb.

pysqlite opens transactions lazily and ignores SAVEPOINTs inside them; following the
SQLAlchemy documentation, we take over BEGIN so that transactions and savepoints are real,
turn on foreign keys, and wait for a lock rather than failing at once.
"""

from sqlalchemy import event
from sqlalchemy.engine import Engine


def make_transactional(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, connection_record):
        dbapi_connection.isolation_level = None  # no implicit BEGIN from the driver
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 10000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # IMMEDIATE takes the write lock up front, so two writers queue instead of deadlocking.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
