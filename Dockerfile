# syntax=docker/dockerfile:1
# One image for every PMIS process: the gateway (default CMD), the nameko services in two parts
# (`nameko run --config services/nameko.yaml services.shared.service_parts:<svc>_answering`,
# and `…:<svc>_background` for its events and timers), their outbox relays
# (`python -m services.shared.messaging.relay <svc>`) and the one-shot migration/bootstrap.
# The deployments override the command; they run it from /app as uid 10001 with a read-only
# root filesystem and a writable /tmp.
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PSYCOPG_WAIT_FUNC=wait_select

RUN groupadd --system --gid 10001 pmis \
 && useradd --system --uid 10001 --gid 10001 --home-dir /home/pmis --create-home \
        --shell /usr/sbin/nologin pmis

# pg_dump and pg_restore for `python -m ops.backup` / `ops.restore` (docs/OPERATIONS.md): a client
# older than the server refuses to dump it, so PostgreSQL's own repository's client 17 (dumps
# servers 9.2–17; Debian bookworm ships only 15).
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-common \
 && /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y \
 && apt-get install -y --no-install-recommends postgresql-client-17 \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first so that a code change does not reinstall them.
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

# The code stays owned by root: the runtime user can read it but not change it.
COPY . .
# Bytecode is compiled at build time: at run time the root filesystem is read-only.
RUN python -m compileall -q /app

USER 10001:10001
EXPOSE 8000
CMD ["python", "-m", "gateway"]
