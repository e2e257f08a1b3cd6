"""A test-only nameko service that holds a database connection for a while, to prove that
psycopg under eventlet lets other green threads run (services.shared.greenpg)."""
from nameko.rpc import rpc
from sqlalchemy import text

from services.shared.db import Database


class PgSleeper:
    name = "pg_sleeper"
    db = Database()

    @rpc
    def sleep(self, seconds):
        with self.db() as session:
            session.execute(text("SELECT pg_sleep(:s)"), {"s": seconds})
        return seconds

    @rpc
    def wait_function(self):
        import psycopg.waiting

        return psycopg.waiting.wait.__name__
