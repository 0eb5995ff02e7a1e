#!/usr/bin/env bash
# `make setup`: pick the interpreter, create .venv, install invgraph[dev,gcp] with uv, fetch the embedded Neo4j.
# Every step prints what it does and how long it took, so a first run is never a silent wait.
#
#   PYTHON3   interpreter to use (default: Python 3.13 when the machine has one, else python3; 3.11+ works)
#
# uv itself comes from PyPI (pinned in constraints.txt) through the venv's pip; it then installs every
# package at the versions constraints.txt pins, in seconds where pip takes minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
STAMP=$VENV/.installed
PY3=${PYTHON3:-$(scripts/pick-python.sh)}

# uv reads its own variables, not pip's: carry over a machine's pip settings (a CA bundle for a TLS proxy,
# a local wheel folder, a longer timeout) so uv works wherever pip did.
if [[ -n ${PIP_CERT:-} && -z ${SSL_CERT_FILE:-} ]]; then export SSL_CERT_FILE=$PIP_CERT; fi
if [[ -n ${PIP_FIND_LINKS:-} && -z ${UV_FIND_LINKS:-} ]]; then export UV_FIND_LINKS=$PIP_FIND_LINKS; fi
if [[ -n ${PIP_INDEX_URL:-} && -z ${UV_INDEX_URL:-} ]]; then export UV_INDEX_URL=$PIP_INDEX_URL; fi
if [[ -n ${PIP_DEFAULT_TIMEOUT:-} && -z ${UV_HTTP_TIMEOUT:-} ]]; then export UV_HTTP_TIMEOUT=$PIP_DEFAULT_TIMEOUT; fi

t_start=$(date +%s.%N)
step() { printf 'setup: %s\n' "$*"; }
took() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f s", b - a }'; }

version() { "$1" -c 'import platform; print(platform.python_version())'; }
want=$(version "$PY3")
step "Python $want ($(command -v "$PY3" || echo "$PY3"))$([[ $want == 3.13.* ]] || echo '; Python 3.13 is preferred (the version Cartography is tested on) when installed')"

# A venv built by another interpreter is rebuilt, so the choice above is the one the project runs on.
if [[ -x $VENV/bin/python ]]; then
    have=$(version "$VENV/bin/python" 2>/dev/null || echo none)
    if [[ ${have%.*} != "${want%.*}" ]]; then
        step "recreating $VENV (it was built with Python $have)"
        rm -rf "$VENV"
    fi
fi
if [[ ! -x $VENV/bin/python ]]; then
    "$PY3" -m venv "$VENV"
fi

if [[ ! -f $STAMP || pyproject.toml -nt $STAMP || constraints.txt -nt $STAMP || ! -x $VENV/bin/uv ]]; then
    t=$(date +%s.%N)
    if [[ ! -x $VENV/bin/uv ]]; then
        step "[1/3] installing uv (the package installer) from PyPI"
        "$VENV/bin/python" -m pip install --disable-pip-version-check -q -c constraints.txt uv
    fi
    step "[2/3] installing invgraph[dev,gcp] and its pinned dependencies (uv, constraints.txt)"
    "$VENV/bin/uv" pip install --python "$VENV/bin/python" -c constraints.txt -e '.[dev,gcp]'
    touch "$STAMP"
    step "      packages ready in $(took "$t")"
else
    step "[1-2/3] packages up to date (constraints.txt and pyproject.toml unchanged)"
fi

# The dashboard console's JavaScript (CodeMirror, Cytoscape) from the npm registry, at the exact versions
# api/static/vendor/package-lock.json pins; the API serves them from api/static/vendor/node_modules.
# npm ci only when the lock file changed since the last install (npm writes node_modules/.package-lock.json).
VENDOR=api/static/vendor
if [[ ! -f $VENDOR/node_modules/.package-lock.json || $VENDOR/package-lock.json -nt $VENDOR/node_modules/.package-lock.json ]]; then
    t=$(date +%s.%N)
    step "[js] installing the dashboard console's JavaScript libraries (npm ci, $VENDOR/package-lock.json)"
    npm ci --prefix "$VENDOR" --ignore-scripts --no-audit --no-fund --loglevel=error
    step "      JavaScript libraries ready in $(took "$t")"
else
    step "[js] dashboard JavaScript libraries up to date ($VENDOR/package-lock.json unchanged)"
fi

if [[ ${1:-} != packages ]]; then
    t=$(date +%s.%N)
    step "[3/3] embedded Neo4j (first run: about 120 MB of jars from Maven Central into ~/.cache/invgraph)"
    "$VENV/bin/invgraph" neo4j install
    step "      Neo4j ready in $(took "$t")"
fi
step "done in $(took "$t_start")"
