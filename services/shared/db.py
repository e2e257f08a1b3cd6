"""SQLAlchemy 2 for nameko services (nameko-sqlalchemy does not support SQLAlchemy 2)."""
from . import greenpg  # noqa: F401  (must precede psycopg's import)

from nameko.extensions import DependencyProvider
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from .config import database_url
from .priority import lower_engine_backends


def make_engine(pool_size: int = 5, batch: bool = False) -> Engine:
    """Pool size = max_workers: each worker holds at most one connection, none waits for another.
    `batch`: background work, whose backends yield the CPU to people's requests (priority.py)."""
    engine = create_engine(database_url(), pool_size=pool_size, max_overflow=0, pool_pre_ping=True)
    if batch:
        lower_engine_backends(engine)
    return engine


class Database(DependencyProvider):
    """One engine per service container; workers get the sessionmaker.

    The service layer opens a transaction with `with sessions.begin() as session:` so the
    change, its outbox row and its inbox row commit together. `batch`: a service's background
    part (service_parts.py), whose backends yield the CPU as the process does.
    """

    def __init__(self, batch: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.batch = batch

    def setup(self):
        workers = int(self.container.config.get("max_workers", 10))
        self.engine = make_engine(pool_size=workers, batch=self.batch)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def stop(self):
        self.engine.dispose()

    def kill(self):
        self.engine.dispose()

    def get_dependency(self, worker_ctx):
        return self.sessions
