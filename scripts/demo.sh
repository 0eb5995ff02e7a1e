#!/usr/bin/env bash
# `make demo`: embedded Neo4j + a 3-day sample ingested in order + the API in the foreground.
# The demo graph in .cache/demo-neo4j is rebuilt from scratch on every run.
# Ctrl-C (or SIGTERM) stops the API first, then Neo4j. Expects `make setup` to have run.
#
#   DEMO_NEO4J_PORT  Bolt port of the demo Neo4j (default 7687)
#   DEMO_API_PORT    HTTP port of the API (default 8000)
set -euo pipefail
cd "$(dirname "$0")/.."

INVGRAPH=.venv/bin/invgraph
NEO4J_DIR=.cache/demo-neo4j
SAMPLE_DIR=.cache/demo-sample
NEO4J_PORT=${DEMO_NEO4J_PORT:-7687}
API_PORT=${DEMO_API_PORT:-8000}
BASE_URL="http://127.0.0.1:${API_PORT}"


api_pid=""
cleanup() {
    # Not interruptible: make forwards SIGTERM to us a second time, and Neo4j must still be stopped.
    trap - EXIT
    trap '' INT TERM
    if [[ -n "$api_pid" ]] && kill -0 "$api_pid" 2>/dev/null; then
        echo "stopping the API (pid $api_pid)"
        kill -TERM "$api_pid" 2>/dev/null || true
        wait "$api_pid" 2>/dev/null || true
    fi
    "$INVGRAPH" neo4j stop --data-dir "$NEO4J_DIR" || true
}

# A demo Neo4j left over from an earlier run on this folder is restarted, so flags and jars are current.
if "$INVGRAPH" neo4j status --data-dir "$NEO4J_DIR" >/dev/null 2>&1; then
    echo "a demo Neo4j is already running for $NEO4J_DIR; restarting it"
    "$INVGRAPH" neo4j stop --data-dir "$NEO4J_DIR"
fi
# Every demo starts from an empty graph, so the three sample days are its whole history.
rm -rf "$NEO4J_DIR"
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# Started in a session of its own: a Ctrl-C or SIGTERM during start-up must not kill the starter half-way
# (its Java child would be left running unrecorded); the start completes, then the trap stops Neo4j.
start_neo4j=("$INVGRAPH" neo4j start --data-dir "$NEO4J_DIR" --port "$NEO4J_PORT")
if command -v setsid >/dev/null 2>&1; then
    setsid -w "${start_neo4j[@]}"
else
    "${start_neo4j[@]}"
fi

# Everything below talks to the demo Neo4j (embedded: loopback, no auth).
export NEO4J_URI="bolt://127.0.0.1:${NEO4J_PORT}" NEO4J_USER=neo4j NEO4J_PASSWORD="" NEO4J_DATABASE=neo4j
export INVGRAPH_ENVIRONMENT=development

rm -rf "$SAMPLE_DIR"
echo "generating a 3-day sample (AWS, Kubernetes, GCP) into $SAMPLE_DIR"
"$INVGRAPH" sample --days 3 --gcp-projects 2 --out "$SAMPLE_DIR"
# One snapshot folder per day: day-01, day-02, … (name order is chronological order). After each day the
# saved controls run against it, so findings have a history (new / resolved / reopened) like a nightly job.
for d in "$SAMPLE_DIR"/day-*/; do
    echo "ingesting ${d%/}"
    rc=0
    "$INVGRAPH" ingest snapshot "${d%/}" || rc=$?
    # Exit 2 is a partial run (a module skipped); good enough for a demo, anything else is not.
    if [[ $rc -ne 0 && $rc -ne 2 ]]; then
        echo "error: ingesting ${d%/} failed (exit $rc)" >&2
        exit "$rc"
    fi
    "$INVGRAPH" controls run --format json >/dev/null
done

echo "demo API key (send it as 'Authorization: Bearer <key>'; the dashboard asks for it):"
"$INVGRAPH" apikey create --name demo --role admin

"$INVGRAPH" serve --host 127.0.0.1 --port "$API_PORT" &
api_pid=$!

for _ in $(seq 1 100); do
    if ! kill -0 "$api_pid" 2>/dev/null; then
        echo "error: the API exited during start-up" >&2
        exit 1
    fi
    if .venv/bin/python -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' \
        "$BASE_URL/api/v1/health" 2>/dev/null; then
        break
    fi
    sleep 0.2
done

cat <<EOF

  invgraph demo is running (Neo4j on bolt://127.0.0.1:${NEO4J_PORT}, data in ${NEO4J_DIR})
    Dashboard:  ${BASE_URL}/
    Health:     ${BASE_URL}/api/v1/health
    API docs:   ${BASE_URL}/docs
  Ctrl-C stops the API, then Neo4j.

EOF
wait "$api_pid"
