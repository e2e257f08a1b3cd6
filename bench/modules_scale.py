"""Several modules' figures on one synthetic province: `python -m bench.modules_scale MEMBERS
mobility,terms,orglife,dues,development` — the province is generated once (14–15 minutes at 1M on
the 2-core VM), each named benchmark's records are seeded into it (each module its own tables, so
one seeding does not change another's figures), then each measures in turn, one after the other
(no measurement overlaps any seeding), recording its own results file exactly as when run alone
(bench/<module>_scale.py: their docstrings give each method and default sizes).
Each measurement starts only once the machine is quiet — the 1-minute load average below
PMIS_BENCH_QUIET_LOAD (default 1.0; the benchmark's idle system alone is below it) — so the province may be
generated while other work runs; the load at the start of each measurement is recorded."""
import os
import sys
import time

from . import development_scale, dues_scale, mobility_scale, orglife_scale, province, terms_scale
from .harness import admin_client, exit_code, running_system
from .transfers_scale import dsn_of, progress

# name → (seed(dsn, members), measure(system, admin, dsn, members, generated, seeded=…)), at each
# module's default sizes at 1M (outflows and applicants in proportion to MEMBERS for a smoke run).
MODULES = {
    "mobility": (lambda dsn, members: mobility_scale.seed_outflows(dsn, members // 20), mobility_scale.measure),
    "development": (lambda dsn, members: development_scale.seed_applicants(dsn, members * 3 // 20, 10),
                    development_scale.measure),
    "terms": (lambda dsn, members: terms_scale.seed_terms(dsn), terms_scale.measure),
    "orglife": (lambda dsn, members: orglife_scale.seed_meetings(dsn, 2 * members), orglife_scale.measure),
    "dues": (lambda dsn, members: dues_scale.seed_dues(dsn), dues_scale.measure),
}
QUIET_WAIT_S = 3600


def load_average() -> float:
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def wait_until_quiet() -> float:
    """Block until the 1-minute load average is below the threshold (or an hour passed); its value."""
    threshold = float(os.environ.get("PMIS_BENCH_QUIET_LOAD", "1.0"))
    deadline = time.monotonic() + QUIET_WAIT_S
    while (load := load_average()) >= threshold and time.monotonic() < deadline:
        progress(f"waiting for a quiet machine: load {load:.2f} ≥ {threshold}")
        time.sleep(30)
    return load


def main(members: int = 1_000_000, modules: str = "mobility,development") -> None:
    chosen = [name.strip() for name in modules.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in MODULES]
    if unknown or not chosen:
        raise SystemExit(f"unknown modules: {unknown}; choose from {sorted(MODULES)}")
    with running_system(PMIS_RPC_TIMEOUT="900") as (system, rpc, env):
        rpc.client.timeout = 900
        admin = admin_client(system, env)
        dsn = dsn_of(env)
        generated = province.generate_with_directories(dsn, members)
        progress(f"province generated: {generated}")
        seeded = {}
        for name in chosen:
            seeded[name] = MODULES[name][0](dsn, members)
            progress(f"{name} seeded")
        for name in chosen:
            load = wait_until_quiet()
            progress(f"{name}: measuring at load {load:.2f}")
            MODULES[name][1](system, admin, dsn, members, {**generated, "load_at_start": load}, seeded=seeded[name])
            progress(f"{name} measured")


if __name__ == "__main__":  # MEMBERS [MODULES]
    sys.exit(exit_code(lambda: main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000,
                                    *(sys.argv[2:3]))))
