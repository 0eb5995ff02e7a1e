#!/usr/bin/env bash
# `make demo`: embedded Neo4j, then the API (up as soon as Neo4j is), then a 3-day sample loaded day by day
# behind it while the dashboard says "loading day 2 of 3". Every step prints the time since `make demo`
# started; the last lines are the dashboard URL that logs in, the key, and three things to try.
# The demo graph in .cache/demo-neo4j is rebuilt from scratch on every run.
# Ctrl-C (or SIGTERM) stops the API first, then Neo4j. Expects `make setup` to have run.
#
#   DEMO_NEO4J_PORT  Bolt port of the demo Neo4j (default 7687)
#   DEMO_API_PORT    HTTP port of the API (default 8000)
#   DEMO_T0          epoch seconds the clock starts from (`make demo` sets it before setup)
set -euo pipefail
cd "$(dirname "$0")/.."

INVGRAPH=.venv/bin/invgraph
NEO4J_DIR=.cache/demo-neo4j
SAMPLE_DIR=.cache/demo-sample
PROGRESS=.cache/demo-progress.json
API_LOG=.cache/demo-api.log
LOAD_LOG=.cache/demo-load.log
DAYS=3
NEO4J_PORT=${DEMO_NEO4J_PORT:-7687}
API_PORT=${DEMO_API_PORT:-8000}
BASE_URL="http://127.0.0.1:${API_PORT}"
T0=${DEMO_T0:-$(date +%s.%N)}

now() { awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
say() { printf '[%6ss] %s\n' "$(now)" "$*"; }
# The API reads this file for /health's "loading" (INVGRAPH_LOAD_PROGRESS_FILE); written whole, then renamed.
progress() {
    printf '{"day": %d, "days": %d, "phase": "%s"}\n' "$1" "$DAYS" "$2" >"$PROGRESS.tmp"
    mv "$PROGRESS.tmp" "$PROGRESS"
}

api_pid=""
sample_pid=""
cleanup() {
    # Not interruptible: make forwards SIGTERM to us a second time, and Neo4j must still be stopped.
    trap - EXIT
    trap '' INT TERM
    rm -f "$PROGRESS" "$PROGRESS.tmp"
    if [[ -n "$sample_pid" ]]; then kill -TERM "$sample_pid" 2>/dev/null || true; fi
    if [[ -n "$api_pid" ]] && kill -0 "$api_pid" 2>/dev/null; then
        echo "stopping the API (pid $api_pid)"
        kill -TERM "$api_pid" 2>/dev/null || true
        wait "$api_pid" 2>/dev/null || true
    fi
    "$INVGRAPH" neo4j stop --data-dir "$NEO4J_DIR" || true
}

mkdir -p .cache
# A demo Neo4j left over from an earlier run on this folder is restarted, so flags and jars are current.
if "$INVGRAPH" neo4j status --data-dir "$NEO4J_DIR" >/dev/null 2>&1; then
    say "a demo Neo4j is already running for $NEO4J_DIR; restarting it"
    "$INVGRAPH" neo4j stop --data-dir "$NEO4J_DIR"
fi
# Every demo starts from an empty graph, so the three sample days are its whole history.
rm -rf "$NEO4J_DIR" "$SAMPLE_DIR"
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The sample needs no database: it is generated while Neo4j starts.
: >"$LOAD_LOG"
"$INVGRAPH" sample --days "$DAYS" --gcp-projects 2 --azure-subscriptions 2 --out "$SAMPLE_DIR" >>"$LOAD_LOG" 2>&1 &
sample_pid=$!
say "starting Neo4j on bolt://127.0.0.1:${NEO4J_PORT} (data in $NEO4J_DIR)"
# Started in a session of its own: a Ctrl-C or SIGTERM during start-up must not kill the starter half-way
# (its Java child would be left running unrecorded); the start completes, then the trap stops Neo4j.
start_neo4j=("$INVGRAPH" neo4j start --data-dir "$NEO4J_DIR" --port "$NEO4J_PORT")
if command -v setsid >/dev/null 2>&1; then
    setsid -w "${start_neo4j[@]}" >/dev/null
else
    "${start_neo4j[@]}" >/dev/null
fi
say "Neo4j is up"

# Everything below talks to the demo Neo4j (embedded: loopback, no auth).
export NEO4J_URI="bolt://127.0.0.1:${NEO4J_PORT}" NEO4J_USER=neo4j NEO4J_PASSWORD="" NEO4J_DATABASE=neo4j
export INVGRAPH_ENVIRONMENT=development INVGRAPH_LOAD_PROGRESS_FILE="$PWD/$PROGRESS"

progress 0 sample
# The API starts while the key is created: both only need Neo4j.
"$INVGRAPH" serve --host 127.0.0.1 --port "$API_PORT" >"$API_LOG" 2>&1 &
api_pid=$!
# `apikey create` prints the secret alone on stdout (its notice goes to stderr).
KEY=$("$INVGRAPH" apikey create --name demo --role admin 2>/dev/null | tail -n 1)
say "created the demo API key (admin)"
for _ in $(seq 1 150); do
    if ! kill -0 "$api_pid" 2>/dev/null; then
        echo "error: the API exited during start-up; its log ($API_LOG) ends with:" >&2
        tail -n 20 "$API_LOG" >&2
        exit 1
    fi
    if .venv/bin/python -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' \
        "$BASE_URL/api/v1/health" 2>/dev/null; then
        break
    fi
    sleep 0.2
done
say "API is up; the dashboard is already open at ${BASE_URL}/#key=${KEY}"
say "loading the sample behind it (the dashboard shows which day; API log: $API_LOG, load log: $LOAD_LOG)"

if ! wait "$sample_pid"; then
    echo "error: generating the sample failed; the end of $LOAD_LOG:" >&2
    tail -n 20 "$LOAD_LOG" >&2
    exit 1
fi
say "generated a $DAYS-day sample (AWS, Kubernetes, GCP, Azure) in $SAMPLE_DIR"
CONTROLS=$(.venv/bin/python -c "from queries.service import load_validated; print(len(list(load_validated())))")
# One snapshot folder per day: day-01, day-02, … (name order is chronological order). After each day the
# saved controls run against it, so findings have a history (new / resolved / reopened) like a nightly job.
day=0
for d in "$SAMPLE_DIR"/day-*/; do
    day=$((day + 1))
    folder=${d%/}
    progress "$day" ingest
    say "day $day of $DAYS: ingesting $folder"
    rc=0
    "$INVGRAPH" ingest snapshot "$folder" --format json >"$LOAD_LOG.json" 2>>"$LOAD_LOG" || rc=$?
    cat "$LOAD_LOG.json" >>"$LOAD_LOG"
    # Exit 2 is a partial run (a module skipped); good enough for a demo, anything else is not.
    if [[ $rc -ne 0 && $rc -ne 2 ]]; then
        echo "error: ingesting $folder failed (exit $rc); the end of $LOAD_LOG:" >&2
        tail -n 20 "$LOAD_LOG" >&2
        exit "$rc"
    fi
    summary=$(.venv/bin/python -c 'import json, sys
r = json.load(open(sys.argv[1]))
print(r["run_id"], r["status"] + ",", sum(m["nodes"] for m in r["modules"]), "nodes")' "$LOAD_LOG.json")
    progress "$day" controls
    say "day $day of $DAYS: ingested ($summary); running the $CONTROLS saved controls"
    rc=0
    "$INVGRAPH" controls run --format json >>"$LOAD_LOG" 2>&1 || rc=$?
    if [[ $rc -ne 0 ]]; then
        echo "error: the control run after $folder failed (exit $rc); the end of $LOAD_LOG:" >&2
        tail -n 20 "$LOAD_LOG" >&2
        exit "$rc"
    fi
done
rm -f "$PROGRESS" "$LOAD_LOG.json"
say "all $DAYS days loaded"

cat <<EOF

  invgraph demo is ready after $(now) s
    Dashboard (logs in):  ${BASE_URL}/#key=${KEY}
    API key (admin):      ${KEY}
                          curl -H 'Authorization: Bearer ${KEY}' ${BASE_URL}/api/v1/findings
    API docs:             ${BASE_URL}/docs
    Neo4j:                bolt://127.0.0.1:${NEO4J_PORT} (data in ${NEO4J_DIR})

  Three things to try (README: "Your first ten minutes"):
    1. Dashboard, "Exposure paths" (top of the board): paths from the internet ranked by score, public
       buckets first; pick the payments DB secret (load balancer -> pods -> IRSA role -> secret) or
       sample-prj-00-jewels (GCP bastion -> service account -> bucket) to see every hop with its reason.
    2. Who became admin between day 1 and day 2 (dev-carol via the Admins group, ci-deployer, a CI service
       account bound to cluster-admin, eve@example.com as GCP folder owner, carol@contoso.com as Owner on an
       Azure management group):
         NEO4J_URI=${NEO4J_URI} .venv/bin/invgraph privileges creep --from 2026-11-01 --to 2026-11-02
    3. A planted finding and its history: jdoe signs in to the console without MFA:
         NEO4J_URI=${NEO4J_URI} .venv/bin/invgraph controls findings --id iam_user_console_without_mfa

  Ctrl-C stops the API, then Neo4j.

EOF
wait "$api_pid"
