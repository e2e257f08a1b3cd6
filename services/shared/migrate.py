"""`python -m services.shared.migrate [service …]`: create the database if missing, upgrade
each service's schema to head, and declare the event topology."""
import sys

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from .config import database_url
from .messaging import topology
from .migrations import upgrade


def ensure_database() -> None:
    url = make_url(database_url())
    admin = url.set(database="postgres", drivername="postgresql")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (url.database,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(url.database)))


def migrate(services=topology.SERVICES) -> None:
    ensure_database()
    for service in services:
        upgrade(service)
    topology.declare_all(services)


def main(argv=None) -> int:
    services = (argv if argv is not None else sys.argv[1:]) or topology.SERVICES
    migrate(tuple(services))
    print(f"已迁移：{', '.join(services)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
