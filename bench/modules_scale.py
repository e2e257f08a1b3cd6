"""Several modules' figures on one synthetic province: `python -m bench.modules_scale MEMBERS
mobility,development` — the province is generated once (14–15 minutes at 1M on the 2-core VM),
then each named benchmark seeds its own records into it and measures, one after the other (no
measurement overlaps another's seeding), recording its own results file exactly as when run
alone (bench/mobility_scale.py, bench/development_scale.py: their docstrings give each method)."""
import sys

from . import development_scale, mobility_scale, province
from .harness import admin_client, exit_code, running_system
from .transfers_scale import dsn_of, progress

MODULES = {"mobility": mobility_scale.measure, "development": development_scale.measure}


def main(members: int = 1_000_000, modules: str = "mobility,development") -> None:
    chosen = [name.strip() for name in modules.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in MODULES]
    if unknown or not chosen:
        raise SystemExit(f"unknown modules: {unknown}; choose from {sorted(MODULES)}")
    with running_system(PMIS_RPC_TIMEOUT="900") as (system, rpc, env):
        rpc.client.timeout = 900
        admin = admin_client(system, env)
        dsn = dsn_of(env)
        generated = province.generate(dsn, members)
        generated["org_directories_s"] = province.fill_org_directories(dsn)
        progress(f"province generated: {generated}")
        for name in chosen:
            MODULES[name](system, admin, dsn, members, generated)
            progress(f"{name} measured")


if __name__ == "__main__":  # MEMBERS [MODULES]
    sys.exit(exit_code(lambda: main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000,
                                    *(sys.argv[2:3]))))
