"""A test-only nameko service that holds a database connection for a while, to prove that
psycopg under eventlet lets other green threads run (services.shared.greenpg)."""
import time

from nameko.rpc import rpc
from sqlalchemy import text

from services.shared.db import Database


class PgSleeper:
    name = "pg_sleeper"
    db = Database()

    @rpc
    def sleep(self, seconds):
        """Returns when (this machine's clock) the connection was held: the sleep's start and end."""
        with self.db() as session:
            started = time.time()
            session.execute(text("SELECT pg_sleep(:s)"), {"s": seconds})
            return [started, time.time()]

    @rpc
    def wait_function(self):
        import psycopg.waiting

        return psycopg.waiting.wait.__name__
