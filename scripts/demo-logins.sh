#!/usr/bin/env bash
# Prints where Wijkwerk runs and the demo logins. Contract with `seed_demo` (coop/demo/logins.py):
# it writes var/demo-logins.txt (plain text, rewritten on every run) and `make run` prints it as is.
set -euo pipefail
url="${1:-http://127.0.0.1:8000}"
echo
echo "=============================================================================="
echo " Wijkwerk starts at $url  (web, Celery worker and beat; stop with Ctrl+C)"
echo "=============================================================================="
if [ -s var/demo-logins.txt ]; then
    cat var/demo-logins.txt
else
    echo " No var/demo-logins.txt yet: run 'make seed' (see var/seed-demo.log)."
fi
echo "=============================================================================="
echo
