"""What server-side sessions cost: `python -m bench.sessions [N]`.

(1) `org.resolve_session` as a direct RPC (what the gateway adds to every request), N calls;
(2) N sequential `GET /api/v1/orgs/{id}` through the gateway (resolve + get_org); (3) L logins
(argon2 verify + a session row); (4) a wrong password against an unknown username, L each,
interleaved (a success every 4 failures so the account does not lock). Warm-ups of 100 discarded.
`python -m bench.sessions [N [L]]`, defaults 500 and 10.
"""
import sys
import time

import httpx

from tests.support.factories import code

from .harness import admin_client, record, running_system, summary_ms

PASSWORD = "Bench#Staff2026"


def timed(call, n: int) -> list[float]:
    timings = []
    for _ in range(n):
        started = time.perf_counter()
        call()
        timings.append(time.perf_counter() - started)
    return timings


def main(n: int = 500, logins: int = 10) -> None:
    with running_system() as (system, rpc, env):
        client = admin_client(system, env)
        token = client.headers["Authorization"].split(" ", 1)[1]
        root = rpc.call("org", "root")["id"]
        login_url = f"{system.gateway_url}/api/v1/session"

        timed(lambda: rpc.call("org", "resolve_session", token=token), 100)
        resolve = timed(lambda: rpc.call("org", "resolve_session", token=token), n)
        timed(lambda: client.get(f"/orgs/{root}").raise_for_status(), 100)
        through_gateway = timed(lambda: client.get(f"/orgs/{root}").raise_for_status(), n)

        username = f"bench{code('')}".lower()
        rpc.call("org", "create_account", username=username, password=PASSWORD, org_id=root)
        def attempt(name: str, password: str) -> httpx.Response:
            return httpx.post(login_url, json={"username": name, "password": password}, timeout=60)

        login = timed(lambda: attempt(username, PASSWORD).raise_for_status(), logins)
        wrong, missing = [], []
        for i in range(logins):
            wrong += timed(lambda: attempt(username, "Wrong#Guess2026"), 1)
            missing += timed(lambda: attempt(username + "zz", "Wrong#Guess2026"), 1)
            if i % 4 == 3:
                attempt(username, PASSWORD).raise_for_status()
        record("sessions", {
            "method": f"{n} org.resolve_session RPCs and {n} GET /api/v1/orgs/{{id}} after 100 warm-up each; "
                      f"{logins} logins; {logins} wrong-password and {logins} unknown-user logins interleaved",
            "resolve_session_rpc": summary_ms(resolve), "get_org_through_gateway": summary_ms(through_gateway),
            "login": summary_ms(login), "wrong_password": summary_ms(wrong), "unknown_user": summary_ms(missing)})


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
