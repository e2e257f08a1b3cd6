"""Accounts and sessions in the org service, through its real RPC entrypoints: only a token's
hash is stored, a session resolves fresh each time, and an unknown username takes as long as a
wrong password."""
import hashlib
import statistics
import time

import psycopg

from tests.support.helpers import plain_dsn, remote_error

from ..support.factories import code

PASSWORD = "Good#Pass2026"


def new_account(rpc, root_id) -> str:
    username = f"acc{code('')}".lower()
    rpc.call("org", "create_account", username=username, password=PASSWORD, org_id=root_id)
    return username


def test_only_the_tokens_hash_is_stored(system, rpc, root_id):
    username = new_account(rpc, root_id)
    view = rpc.call("org", "authenticate", username=username, password=PASSWORD, user_agent="pytest", ip="10.0.0.1")
    with psycopg.connect(plain_dsn(system)) as conn:
        row = conn.execute("SELECT s.token_hash, s.user_agent, s.ip, s.expires_at - s.created_at"
                           " FROM org.sessions s JOIN org.accounts a ON a.id = s.account_id"
                           " WHERE a.username = %s", (username,)).fetchone()
    assert bytes(row[0]) == hashlib.sha256(view["token"].encode()).digest()
    assert row[1:3] == ("pytest", "10.0.0.1")
    assert row[3].total_seconds() == 12 * 3600


def test_a_session_resolves_fresh_until_it_ends(rpc, root_id):
    username = new_account(rpc, root_id)
    token = rpc.call("org", "authenticate", username=username, password=PASSWORD)["token"]
    view = rpc.call("org", "resolve_session", token=token)
    assert view["username"] == username and view["must_change_password"] is True
    rpc.call("org", "change_password", account_id=view["account_id"], old_password=PASSWORD,
             new_password="Fresh#Pass2027", keep_token=token)
    assert rpc.call("org", "resolve_session", token=token)["must_change_password"] is False  # no stale copy
    rpc.call("org", "end_session", token=token)
    rpc.call("org", "end_session", token=token)  # ending twice changes nothing
    for bad in (token, "", "x" * 500, None, 12):
        assert remote_error(lambda: rpc.call("org", "resolve_session", token=bad)).exc_type == "Unauthorized"


def test_login_matches_the_username_whatever_its_case(rpc, root_id):
    username = new_account(rpc, root_id)
    assert rpc.call("org", "authenticate", username=f" {username.upper()} ", password=PASSWORD)["username"] == username
    error = remote_error(lambda: rpc.call("org", "create_account", username=username.capitalize(),
                                          password=PASSWORD, org_id=root_id))
    assert error.exc_type == "Conflict"


def test_an_unknown_username_takes_as_long_as_a_wrong_password(rpc, root_id):
    """Both run one argon2 verify (tests/unit/org/test_lockout.py checks the dummy hash is verified,
    with the deployment's parameters); test systems hash with argon2's cheapest parameters, so here
    the rest of the path — the lookup, the failure count — must not tell them apart either: times of
    the same order. Interleaved, so the shared machine's changing load weighs on both alike, with a
    generous bound."""
    username = new_account(rpc, root_id)

    def seconds(name: str) -> float:
        started = time.perf_counter()
        remote_error(lambda: rpc.call("org", "authenticate", username=name, password="Wrong#Guess2026"))
        return time.perf_counter() - started

    existing, missing = [], []
    for i in range(6):
        existing.append(seconds(username))
        missing.append(seconds(username + "zz"))
        if i % 3 == 2:  # a success resets the count: the account must not lock
            rpc.call("org", "authenticate", username=username, password=PASSWORD)
    ratio = statistics.median(missing) / statistics.median(existing)
    assert 1 / 4 < ratio < 4, (existing, missing)
