#!/usr/bin/env bash
# Prints the interpreter `make setup` uses: Python 3.13 when the machine has one (on PATH or under pyenv),
# otherwise python3. Cartography is tested on 3.13; invgraph itself supports 3.11+.
for candidate in python3.13 "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.13*/bin/python3.13; do
    # pyenv shims exist for versions that are not active; running one is the only reliable test.
    if "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' >/dev/null 2>&1; then
        command -v "$candidate"
        exit 0
    fi
done
echo python3
