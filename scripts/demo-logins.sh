#!/usr/bin/env bash
# Prints the demo logins that `seed_demo` wrote to var/demo-logins.txt.
set -euo pipefail
url="${1:-http://127.0.0.1:8000}"
echo
echo "================================================================"
echo " Wijkwerk runs at $url   (stop with Ctrl+C)"
echo " Log in at $url/accounts/login/"
if [ -s var/demo-logins.txt ]; then
    echo " Demo logins:"
    sed 's/^/   /' var/demo-logins.txt
else
    echo " (no var/demo-logins.txt: run 'make seed' or see var/seed-demo.log)"
fi
echo "================================================================"
echo
