"""Background work yields the CPU to people (issue 19): relays, stats ingesters, the services'
background parts and their PostgreSQL backends run at a lower priority than the gateway, the services and
the backends answering them, so a report read during a year-end burst waits less for a core.

Linux schedules by *autogroup* (one per session) before it looks at a process's nice value, and
every launcher child is its own session (start_new_session), as is every PostgreSQL backend (the
postmaster's children call setsid): a plain `renice` of one of them changes nothing against the
others. So the autogroup's nice is set too (`/proc/<pid>/autogroup`), and only for a process that
leads its own session, so that nothing else shares the lowered group. A backend is lowered only
when it runs on this machine (a loopback or socket connection, and /proc shows a `postgres`
process of that id) and the OS allows it (root or the postgres user; otherwise nothing happens:
on Kubernetes the database has its own node and the batch pods their own CPU limits).
PMIS_BATCH_NICE sets the nice (default 19; 0 turns this off). At 10 a lowered autogroup still
weighs a tenth of a request's, and a year-end burst runs twenty of them: together they outweighed the
report being answered (p95 535 ms at 100k); at 19 each weighs 1.5 %, so batch work takes the cores
people leave idle.
"""
import inspect
import logging
import os
from pathlib import Path

from .config import int_setting

log = logging.getLogger(__name__)
LOCAL_HOSTS = {"127.0.0.1", "::1", "localhost", ""}


def batch_nice() -> int:
    return max(0, min(19, int_setting("PMIS_BATCH_NICE")))


def leads_own_session(pid: int) -> bool:
    try:
        return os.getsid(pid) == pid
    except OSError:
        return False


def lower(pid: int, nice: int) -> bool:
    """Give process `pid` (and its autogroup, when it is its session's only leader) nice `nice`;
    False when the OS refuses or the process is gone."""
    try:
        os.setpriority(os.PRIO_PROCESS, pid, nice)
        if leads_own_session(pid):
            Path(f"/proc/{pid}/autogroup").write_text(str(nice))
        return True
    except OSError as exc:  # EPERM, ESRCH, no autogroup in this kernel
        log.info("不能降低进程 %s 的调度优先级：%s", pid, exc)
        return False


def lower_own_priority() -> bool:
    """For a batch process's main(): itself (and its autogroup, if it leads its session)."""
    nice = batch_nice()
    return bool(nice) and lower(os.getpid(), nice)


def is_local_backend(pid: int, host: str | None) -> bool:
    if host is not None and not host.startswith("/") and host not in LOCAL_HOSTS:
        return False  # the database is elsewhere: that pid is not a process of this machine
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip() == "postgres"
    except OSError:
        return False


def compactor_nice() -> int:
    return max(0, min(19, int_setting("PMIS_COMPACTOR_NICE")))


def lower_backend_priority(connection, nice: int | None = None) -> bool:
    """For a batch process's database connection (psycopg 3, sync or async): its backend (at
    `nice`, by default the batch nice), which then plans no parallel workers."""
    nice = batch_nice() if nice is None else nice
    info = connection.info
    lowered = bool(nice) and is_local_backend(info.backend_pid, info.host) and lower(info.backend_pid, nice)
    if lowered:
        _without_parallel_workers(connection)
    return lowered


def _without_parallel_workers(connection) -> None:
    """Parallel workers are the postmaster's children, at its priority, not the backend's: a
    lowered backend's join over a burst's 200,000 members ran its workers at nice 0 beside the
    report (1M burst, 12-06). Batch work runs on one core. (An async connection is a relay's,
    whose statements are never planned parallel.)"""
    if inspect.iscoroutinefunction(connection.execute):
        return
    connection.execute("SET max_parallel_workers_per_gather = 0")
    if not connection.autocommit:  # a SET rolled back would be undone
        connection.commit()


def lower_engine_backends(engine, nice: int | None = None) -> None:
    """Every connection this SQLAlchemy engine opens is served by a lowered backend."""
    from sqlalchemy import event

    event.listen(engine, "connect", lambda dbapi_connection, _record: lower_backend_priority(dbapi_connection, nice))
