#!/usr/bin/env bash
# Loads the demo neighbourhood once. The database is the marker: when it already holds a
# cooperative we do not seed again (a second `make run` keeps your changes). Delete var/db.sqlite3
# (or run `make reset`) to start over.
set -euo pipefail

PY="${PY:-.venv/bin/python}"
MEMBERS="${DEMO_MEMBERS:-200}"
BUSINESSES="${DEMO_BUSINESSES:-30}"
mkdir -p var

has_coop="$("$PY" manage.py shell --no-imports -v 0 -c "from coop.models import Cooperative; print(Cooperative.objects.exists())" | tail -n 1)"
if [ "$has_coop" = "True" ]; then
    echo "Demo data is already loaded (the database has a cooperative); not seeding again."
    # A database seeded before the demo stored its own fake-Stripe test keys: give its coops keys now.
    if [ "${STRIPE_FAKE:-off}" = "on" ]; then
        "$PY" manage.py demo_stripe_keys
    fi
    touch var/.demo-seeded
    exit 0
fi
echo "Loading the demo neighbourhood: $MEMBERS members, $BUSINESSES businesses..."
# The full output (with the logins) goes to var/seed-demo.log; `make run` prints the logins after this.
"$PY" manage.py seed_demo --members "$MEMBERS" --businesses "$BUSINESSES" --with-invoices > var/seed-demo.log 2>&1 || {
    cat var/seed-demo.log >&2
    exit 1
}
grep -m1 -i "seeded" var/seed-demo.log || true
touch var/.demo-seeded
