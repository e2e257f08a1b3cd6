"""Alembic for a service's own schema (house rule 1): versions live in that schema too."""
from pathlib import Path

import sqlalchemy as sa
from alembic import command, context, op
from alembic.config import Config
from sqlalchemy.dialects.postgresql import JSONB, UUID

from .config import database_url

SERVICES_DIR = Path(__file__).resolve().parent.parent


def run_env(metadata: sa.MetaData) -> None:
    """Body of every service's migrations/env.py (online mode only)."""
    schema = metadata.schema
    engine = sa.create_engine(database_url(), poolclass=sa.pool.NullPool)
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        connection.commit()
        context.configure(connection=connection, target_metadata=metadata,
                          version_table_schema=schema, include_schemas=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def alembic_config(service: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SERVICES_DIR / service / "migrations"))
    return config


def upgrade(service: str, revision: str = "heads") -> None:
    # "heads": independent branches of one schema (work that landed in parallel) all apply.
    command.upgrade(alembic_config(service), revision)


def create_outbox_and_inbox(schema: str) -> None:
    """Migration step shared by every service's first revision (matches outbox.py)."""
    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("event_id", UUID(as_uuid=True), nullable=False, unique=True),
        sa.Column("event_type", sa.Text, nullable=False),
        sa.Column("envelope", JSONB, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        schema=schema,
    )
    op.create_index("outbox_unsent", "outbox", ["id"], schema=schema, postgresql_where=sa.text("sent_at IS NULL"))
    op.create_table(
        "inbox",
        sa.Column("event_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("event_type", sa.Text, nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=schema,
    )
