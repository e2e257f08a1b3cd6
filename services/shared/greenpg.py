"""Make psycopg 3 cooperate with eventlet.

psycopg's default C wait function blocks every green thread (measured: 10 concurrent
pg_sleep(0.5) took 5.1 s); wait_select yields to the hub (0.52 s). It must be chosen
before psycopg is imported, so every module that touches the database imports this first.
"""
import os

os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")

import psycopg.waiting  # noqa: E402

psycopg.waiting.wait = psycopg.waiting.wait_select
