"""The attack corpus, run in one go against one app while a probe measures /api/v1/health.

Over 100 attempts, each with the answer it must get: the Cypher write / procedure / Unicode corpus of
test_cypher_attacks.py, resource exhaustion (refused by the cost budget or the hop bound before running,
stopped by the timeout, or cut by the row / byte bounds), inference probes for application state (they
run, and find nothing: keys and the audit log are not in the graph), role bypasses through every
protected endpoint, key tricks (revoked, expired, rotated away, wrong prefix, hash as secret, …), and
out-of-scope probes (a scoped key on the endpoints that refuse it; asking the filtering ones for another
account's assets, findings, runs and principals: 404, or an answer without them). Afterwards the graph
checksum is unchanged, no ApiKey / AuditEvent node exists, and the health p95 measured during the run is
under 100 ms.
"""

from __future__ import annotations

import hashlib
import hmac
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from appdb import audit, engine
from appdb import keys as apikeys
from appdb.models import ApiKeyRow
from graph import driver
from tests.api.live_server import live_api
from tests.api.test_app_state_isolation import PROBES
from tests.api.test_cypher_attacks import ATTACKS, graph_fingerprint

R = "query_refused"
# (query, expected status, code, rule or None, extra check of the JSON body or None)
EXHAUSTION: list[tuple[str, dict, int, str, str | None, Callable[[dict], bool] | None]] = [
    # Cartesian products over the 502-node graph: estimated above the 1e8-row budget, refused unplanned-run.
    ("MATCH (a),(b),(c) WHERE a.i + b.i + c.i < 0 RETURN count(*)", {}, 400, R, "cost_budget", None),
    ("MATCH (a),(b),(c) RETURN a, b, c", {}, 400, R, "cost_budget", None),
    (
        "MATCH (a:Runaway), (b:Runaway), (c:Runaway) RETURN count(a.i + b.i + c.i)",
        {},
        400,
        R,
        "cost_budget",
        None,
    ),
    ("MATCH (a), (b) WITH a, b MATCH (c) RETURN a.i, b.i, c.i", {}, 400, R, "cost_budget", None),
    # Variable-length patterns without an upper bound, or above the hop limit.
    ("MATCH p=(a)-[*]->(b) RETURN p", {}, 400, R, "unbounded_path", None),
    ("MATCH p=(a)-[:NEXT*2..]->(b) RETURN count(p)", {}, 400, R, "unbounded_path", None),
    ("MATCH p=(a)-[*1..50]->(b) RETURN count(p)", {}, 400, R, "unbounded_path", None),
    ("MATCH p=((a)-[:NEXT]->(b))+ RETURN count(p)", {}, 400, R, "unbounded_path", None),
    ("MATCH (a) WHERE EXISTS { (a)-[*]->() } RETURN count(a)", {}, 400, R, "unbounded_path", None),
    ("MATCH p=(a)-[*..1000]-(b) RETURN count(p)", {}, 400, R, "unbounded_path", None),
    # Huge UNWINDs the planner cannot size: stopped by the timeout, or cut by the row / byte bounds.
    ("UNWIND range(1, 1000000000) AS i WITH i WHERE i < 0 RETURN i", {}, 504, "query_timeout", None, None),
    ("UNWIND range(1, toInteger(1e9)) AS i RETURN count(i)", {}, 504, "query_timeout", None, None),
    (
        "UNWIND range(1, 1000000000) AS i RETURN i",
        {},
        200,
        "",
        None,
        lambda b: b["truncated"] and b["truncated_by"] == "rows" and b["row_count"] == 1000,
    ),
    (
        "UNWIND range(1, 2000) AS i RETURN $blob AS wide",
        {"blob": "x" * 20_000},
        200,
        "",
        None,
        lambda b: b["truncated"] and b["truncated_by"] == "bytes" and 0 < b["row_count"] < 1000,
    ),
    # A bounded one still runs.
    # (typed: the out-of-scope fixture adds HAS_MODULE edges of its own)
    (
        "MATCH p=(a)-[:RESOURCE*1..3]->(b) RETURN count(p) AS n",
        {},
        200,
        "",
        None,
        lambda b: b["rows"] == [[1]],
    ),
]


@dataclass
class Attempt:
    name: str
    method: str
    path: str
    token: str | None  # a key name from the fixture, a literal header value ("raw:…"), or None
    status: int
    code: str
    rule: str | None = None
    body: dict = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    # For an answer that is not an error: what its body must (not) show.
    check: Callable[[str], bool] | None = None


ADMIN_ONLY = [
    ("GET", "/api/v1/apikeys"),
    ("POST", "/api/v1/apikeys"),
    ("DELETE", "/api/v1/apikeys/x"),
    ("POST", "/api/v1/apikeys/x/rotate"),
    ("GET", "/api/v1/audit"),
]
VIEWER_ROUTES = [
    ("GET", "/api/v1/findings"),
    ("GET", "/api/v1/widgets/asset-counts"),
    ("GET", "/api/v1/runs"),
    ("GET", "/api/v1/exposure/assets"),
    ("GET", "/api/v1/privileges/creep"),
    ("GET", "/metrics"),
]
NEW_KEY = {"name": "eve", "role": "admin"}
OUT = "111111111111"  # the account the scoped keys may not see; they see cluster prod-eks
OUT_ASSET = f"arn:aws:s3:::{OUT}-secrets"
TRICK_ASSET = "arn:aws:eks:prod-eks-evil"  # scope 'prod-eks-evil' starts with 'prod-eks' but is not below it
Q = {"query": "RETURN 1"}
CY = ("POST", "/api/v1/cypher")


def _attempts() -> list[Attempt]:
    a: list[Attempt] = []
    # Role bypasses: each protected endpoint with every role too low for it, and without a key.
    for method, path in ADMIN_ONLY:
        for role in ("viewer", "analyst"):
            a.append(Attempt(f"{role} {method} {path}", method, path, role, 403, "forbidden", body=NEW_KEY))
        a.append(Attempt(f"no key {method} {path}", method, path, None, 401, "unauthorized", body=NEW_KEY))
    a.append(Attempt("viewer POST /cypher", *CY, "viewer", 403, "forbidden", body=Q))
    for method, path in [CY, *VIEWER_ROUTES]:
        a.append(Attempt(f"no key {method} {path}", method, path, None, 401, "unauthorized", body=Q))
    a += [
        Attempt(
            "viewer via method override header",
            "GET",
            "/api/v1/apikeys",
            "viewer",
            403,
            "forbidden",
            headers={"X-HTTP-Method-Override": "POST"},
        ),
        Attempt("analyst via percent-encoded path", "GET", "/api/v1/%61pikeys", "analyst", 403, "forbidden"),
        Attempt("analyst via double slash", "GET", "/api/v1//apikeys", "analyst", 404, "not_found"),
        Attempt("analyst via upper-case path", "GET", "/API/V1/APIKEYS", "analyst", 404, "not_found"),
        Attempt("analyst via dot segment", "GET", "/api/v1/findings/../apikeys", "analyst", 403, "forbidden"),
        Attempt(
            "analyst creates an admin key",
            "POST",
            "/api/v1/apikeys",
            "analyst",
            403,
            "forbidden",
            body=NEW_KEY,
        ),
        Attempt(
            "key in the query string",
            "POST",
            "/api/v1/cypher?api_key=ANALYST",
            None,
            422,  # strict query strings: the parameter itself is refused, never read as a key
            "validation_error",
            body=Q,
        ),
        Attempt("key in X-API-Key", *CY, None, 401, "unauthorized", body=Q, headers={"X-API-Key": "ANALYST"}),
    ]
    # Key tricks, all against /cypher with otherwise valid requests.
    for name, token in [
        ("revoked key", "revoked"),
        ("expired key", "expired"),
        ("rotated-away key", "rotated_old"),
        ("Basic scheme", "raw:Basic ANALYST"),
        ("bearer without a key", "raw:Bearer"),
        ("two tokens", "raw:Bearer ANALYST x"),
        ("wrong prefix, right secret", "wrong_prefix"),
        ("right prefix, wrong secret", "wrong_secret"),
        ("stored hash as the secret", "hash_as_secret"),
        ("truncated key", "truncated"),
        ("key plus one character", "extended"),
        ("upper-case prefix", "upper_prefix"),
        ("IG_ instead of ig_", "upper_ig"),
        ("look-alike letter in the key", "homoglyph"),
        ("10 kB key", "raw:Bearer ig_01234567_" + "A" * 10_000),
        ("SQL in the key", "raw:Bearer ig_' OR 1=1 --"),
        ("bootstrap key not configured", "raw:Bearer " + "b" * 40),
        ("the prefix alone", "prefix_only"),
    ]:
        a.append(Attempt(name, *CY, token, 401, "unauthorized", body=Q))
    # Out of scope: a scoped key on the endpoints that cannot filter (refused), and probes for the data of
    # another scope through the ones that do (filtered: nothing of it comes back, unknown ids read as 404).
    a.append(
        Attempt("scoped analyst on /cypher", *CY, "scoped_analyst", 403, "forbidden", "scoped_key", body=Q)
    )
    a.append(
        Attempt(
            "scoped viewer on /metrics", "GET", "/metrics", "scoped_viewer", 403, "forbidden", "scoped_key"
        )
    )
    for method, path in ADMIN_ONLY:
        a.append(
            Attempt(
                f"scoped admin {method} {path}",
                method,
                path,
                "scoped_admin",
                403,
                "forbidden",
                "scoped_key",
                body=NEW_KEY,
            )
        )
    for name, asset in [
        ("out-of-scope asset", OUT_ASSET),
        ("prefix-trick scope", TRICK_ASSET),
        ("percent-encoded id", OUT_ASSET.replace(":", "%3A")),
        ("unknown id", "arn:aws:s3:::nothing-here"),
    ]:
        a.append(
            Attempt(
                f"scoped history: {name}",
                "GET",
                f"/api/v1/assets/{asset}/history",
                "scoped_viewer",
                404,
                "not_found",
            )
        )
    a.append(
        Attempt(
            "scoped principal of another account",
            "GET",
            f"/api/v1/privileges/arn:aws:iam::{OUT}:role/admin",
            "scoped_viewer",
            404,
            "not_found",
        )
    )
    hidden = lambda text: OUT not in text and "prod-eks-evil" not in text  # noqa: E731
    for path in [
        "/api/v1/findings?state=all",
        f"/api/v1/findings?scope={OUT}",
        "/api/v1/findings?scope=prod-eks-evil",
        f"/api/v1/findings?scope=prod-eks%2F..%2F{OUT}",
        "/api/v1/runs",
        "/api/v1/drift",
        "/api/v1/widgets/asset-counts",
        "/api/v1/widgets/findings-by-severity",
        "/api/v1/widgets/latest-drift",
        "/api/v1/widgets/runs",
        "/api/v1/widgets/top-exposed-assets",
        "/api/v1/widgets/control-pass-rates",
        "/api/v1/privileges/creep",
    ]:
        a.append(Attempt(f"scoped viewer GET {path}", "GET", path, "scoped_viewer", 200, "", check=hidden))
    return a


@pytest.fixture()
def keyring(neo4j: str) -> dict[str, str]:
    tokens = {role: apikeys.create_key(f"corpus-{role}", role)[1] for role in ("viewer", "analyst", "admin")}
    tokens["scoped_analyst"] = apikeys.create_key(
        "corpus-scoped", "analyst", scopes=apikeys.Scopes(aws_accounts=("111111111111",))
    )[1]
    tokens["scoped_viewer"] = apikeys.create_key(
        "corpus-scoped-v", "viewer", scopes=apikeys.Scopes(clusters=("prod-eks",))
    )[1]
    tokens["scoped_admin"] = apikeys.create_key(
        "corpus-scoped-a", "admin", scopes=apikeys.Scopes(clusters=("prod-eks",))
    )[1]
    key, tokens["revoked"] = apikeys.create_key("corpus-revoked", "analyst")
    apikeys.revoke_key(key.id)
    key, tokens["expired"] = apikeys.create_key("corpus-expired", "analyst", timedelta(days=1))
    with engine.session() as s:
        s.get(ApiKeyRow, key.id).expires_at = datetime.now(UTC) - timedelta(minutes=1)  # type: ignore[union-attr]
    key, tokens["rotated_old"] = apikeys.create_key("corpus-rotated", "analyst")
    apikeys.rotate_key(key.id)
    analyst = tokens["analyst"]
    _, prefix, secret = analyst.split("_", 2)
    other_prefix = tokens["viewer"].split("_")[1]
    with engine.session() as s:
        stored_hash = next(r.hash for r in s.query(ApiKeyRow).all() if r.prefix == prefix)
    tokens.update(
        wrong_prefix=f"ig_{other_prefix}_{secret}",
        wrong_secret=f"ig_{prefix}_" + "B" * 43,
        hash_as_secret=f"ig_{prefix}_{stored_hash}",
        truncated=analyst[:-1],
        extended=analyst + "A",
        upper_prefix=f"ig_{prefix.upper() if prefix.upper() != prefix else 'ABCDEF01'}_{secret}",
        upper_ig=f"IG_{prefix}_{secret}",
        homoglyph=analyst.replace("i", "\u00ed", 1),
        prefix_only=f"ig_{prefix}_",
    )
    return tokens


def _header(token: str | None, tokens: dict[str, str]) -> dict[str, bytes]:
    """Bytes, so a non-ASCII look-alike goes on the wire as UTF-8 instead of failing in the client."""
    if token is None:
        return {}
    if token.startswith("raw:"):
        return {"Authorization": token[4:].replace("ANALYST", tokens["analyst"]).encode()}
    return {"Authorization": f"Bearer {tokens[token]}".encode()}


def test_attack_corpus(neo4j: str, keyring: dict[str, str]) -> None:
    driver.write("UNWIND range(1, 500) AS i CREATE (:Runaway {i: i})")
    driver.write("CREATE (:AWSAccount {id: '111111111111', name: 'prod'})-[:RESOURCE]->(:S3Bucket {id: 'b'})")
    # Data of another scope for the out-of-scope probes: a run, change records, findings, a principal.
    driver.write(
        "CREATE (r:IngestRun {id: 'run-a', status: 'ok', started_at: datetime() - duration('PT1H'), "
        "collected_at: datetime() - duration('PT1H'), update_tag: 1}), "
        "(r2:IngestRun {id: 'run-b', status: 'ok', started_at: datetime(), collected_at: datetime(), "
        "update_tag: 2}), "
        "(r)-[:HAS_MODULE]->(:IngestModuleRun {run_id: 'run-a', name: 'aws.s3', scope: $out, "
        "status: 'ok'}), "
        "(r2)-[:HAS_MODULE]->(:IngestModuleRun {run_id: 'run-b', name: 'aws.s3', scope: $out, "
        "status: 'ok'}), "
        "(r2)-[:HAS_MODULE]->(:IngestModuleRun {run_id: 'run-b', name: 'k8s.pods', scope: 'prod-eks', "
        "status: 'ok'}), "
        "(:AssetChange {run_id: 'run-b', asset_id: $asset, label: 'S3Bucket', kind: 'added', scope: $out}), "
        "(:AssetChange {run_id: 'run-b', asset_id: $trick, label: 'EKSCluster', kind: 'added', "
        "scope: 'prod-eks-evil'}), "
        "(:RelChange {run_id: 'run-b', start: $out, type: 'RESOURCE', end: $asset, kind: 'added', "
        "scope: $out}), "
        "(:ControlRun {id: 'cr', ingest_run_id: 'run-b', at: datetime()}), "
        "(:Finding {id: 'f-out', control_id: 'c1', severity: 'high', state: 'open', scope: $out, "
        "asset_id: $asset, first_seen: datetime(), last_seen: datetime()}), "
        "(:Finding {id: 'f-trick', control_id: 'c1', severity: 'high', state: 'open', "
        "scope: 'prod-eks-evil', asset_id: $trick, first_seen: datetime(), last_seen: datetime()})",
        {"out": OUT, "asset": OUT_ASSET, "trick": TRICK_ASSET},
    )
    # A real server process: the health probe's latency is the service's, not this interpreter's.
    with (
        live_api(neo4j, INVGRAPH_CYPHER_TIMEOUT_S="3", INVGRAPH_CYPHER_MAX_RESULT_BYTES="1048576") as base,
        httpx.Client(base_url=base, timeout=60) as c,
        httpx.Client(base_url=base, timeout=60) as h,
    ):
        _run_corpus(c, h, keyring)


def _run_corpus(c: httpx.Client, h: httpx.Client, keyring: dict[str, str]) -> None:
    analyst = {"Authorization": f"Bearer {keyring['analyst']}"}
    assert c.post("/api/v1/cypher", json=Q, headers=analyst).status_code == 200
    before = graph_fingerprint()
    audits_before = audit.count_events()

    latencies: list[float] = []
    stop = threading.Event()

    def probe() -> None:
        while not stop.is_set():
            t0 = time.perf_counter()
            r = h.get("/api/v1/health")
            latencies.append(time.perf_counter() - t0)
            assert r.status_code == 200
            stop.wait(0.05)

    prober = threading.Thread(target=probe, daemon=True)
    prober.start()
    failures: list[str] = []
    count = cypher_requests = 0
    try:
        for query, params, status, code, rules in ATTACKS:
            count += 1
            cypher_requests += 1
            r = c.post("/api/v1/cypher", json={"query": query, "parameters": params}, headers=analyst)
            err = r.json().get("error", {}) if r.headers.get("content-type") == "application/json" else {}
            if not (
                r.status_code == status
                and err.get("code") == code
                and err.get("message")
                and (rules is None or err.get("rule") in rules)
            ):
                failures.append(f"cypher {query[:60]!r}: {r.status_code} {r.text[:160]}")
        for query, params, status, code, rule, check in EXHAUSTION:
            count += 1
            cypher_requests += 1
            r = c.post("/api/v1/cypher", json={"query": query, "parameters": params}, headers=analyst)
            body = r.json()
            err = body.get("error", {})
            ok = r.status_code == status and (
                status == 200 or (err.get("code") == code and err.get("rule") == rule)
            )
            if ok and check is not None:
                ok = check(body)
            if rule == "cost_budget" and ok:
                ok = "estimates" in err["message"] and "budget" in err["message"]
            if not ok:
                failures.append(f"exhaustion {query[:60]!r}: {r.status_code} {r.text[:200]}")
        for probe_query in PROBES:
            count += 1
            cypher_requests += 1
            query = probe_query.format(
                hash="0" * 64,
                hash1="a",
                hash8="deadbeef",
                prefix="abcdef01",
                id="x",
                name="corpus-analyst",
                sha="0" * 64,
            )
            r = c.post("/api/v1/cypher", json={"query": query}, headers=analyst)
            text = r.text
            # A token is ig_<prefix>_<secret>, and the URL-safe secret may itself contain "_": look for the
            # whole secret, not its last "_"-separated piece (a few characters that any answer may contain).
            secrets = [t.split("_", 2)[2] for t in keyring.values()]
            leaked = [secret for secret in secrets if secret and secret in text]
            if r.status_code != 200 or "corpus-" in text or leaked:
                failures.append(f"inference {query[:60]!r}: {r.status_code} {text[:160]}")
        for at in _attempts():
            count += 1
            path = at.path.replace("ANALYST", keyring["analyst"])
            headers = {
                **_header(at.token, keyring),
                **{k: v.replace("ANALYST", keyring["analyst"]) for k, v in at.headers.items()},
            }
            r = c.request(at.method, path, headers=headers, json=at.body or None)
            if at.method == "POST" and path.startswith("/api/v1/cypher") and r.status_code not in (401,):
                cypher_requests += 1
            body = r.json() if r.headers.get("content-type") == "application/json" else {}
            err = body.get("error", {}) if isinstance(body, dict) else {}  # /runs answers with a list
            if at.check is not None:
                ok = r.status_code == at.status and at.check(r.text)
            else:
                ok = r.status_code == at.status and err.get("code") == at.code and err.get("rule") == at.rule
            if not ok:
                failures.append(f"{at.name}: {r.status_code} {r.text[:160]}")
    finally:
        stop.set()
        prober.join(10)
    assert not failures, "\n".join(failures)
    assert count >= 100, count

    assert graph_fingerprint() == before
    assert driver.read("MATCH (n) WHERE n:ApiKey OR n:AuditEvent RETURN count(n) AS c")[0]["c"] == 0
    # Every /cypher request that got past authentication was audited, refusals included.
    assert audit.count_events() - audits_before >= len(ATTACKS) + len(EXHAUSTION) + len(PROBES)
    assert len(latencies) >= 20, len(latencies)
    p95 = statistics.quantiles(latencies, n=20)[-1]
    assert p95 < 0.100, f"health p95 {p95 * 1000:.1f} ms over {len(latencies)} probes during the corpus"


def test_key_comparison_is_constant_time_and_prefix_blind(
    neo4j: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unknown prefix and wrong secret take the same path: one hmac.compare_digest of two 64-char hashes."""
    _, token = apikeys.create_key("timing", "viewer")
    prefix = token.split("_")[1]
    calls: list[tuple[int, int]] = []
    real = hmac.compare_digest

    def spy(a: str, b: str) -> bool:
        calls.append((len(a), len(b)))
        return real(a, b)

    monkeypatch.setattr(apikeys.hmac, "compare_digest", spy)
    for candidate in (f"ig_{prefix}_" + "B" * 43, "ig_00000000_" + "B" * 43, token):
        calls.clear()
        apikeys.verify(candidate)
        assert calls == [(64, 64)], (candidate[:12], calls)
    assert apikeys.verify(f"ig_{prefix}_" + hashlib.sha256(b"x").hexdigest()) is None
