#!/usr/bin/env bash
# Checks the Debian packages Wijkwerk needs outside Python and installs the missing ones with apt
# when we run as root; otherwise prints the exact command and stops (exit 1).
#   WeasyPrint: pango (+ harfbuzz subset: a one-page invoice takes ~75 ms with it, ~300 ms without)
#   gettext:    msgfmt, for `manage.py compilemessages`
#   venv:       python3.11-venv when the interpreter is Debian's own and lacks ensurepip
#   chromium:   only with WITH_BROWSER=1 (make test): the browser tests drive Debian's chromium
#               with Playwright, which cannot download a browser of its own here
set -euo pipefail

PYTHON="${PYTHON:-python3.11}"
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext)
if [ "${WITH_BROWSER:-0}" = "1" ]; then
    packages+=(chromium poppler-utils)
fi

if ! command -v "$PYTHON" >/dev/null 2>&1; then
    packages+=(python3.11 python3.11-venv)
elif ! "$PYTHON" -c "import ensurepip, venv" >/dev/null 2>&1; then
    packages+=(python3.11-venv)
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "system-deps: not a Debian system; make sure these are installed: ${packages[*]}" >&2
    exit 0
fi

missing=()
for pkg in "${packages[@]}"; do
    status="$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)"
    [ "$status" = "installed" ] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

command="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
    echo "Wijkwerk needs these system packages: ${missing[*]}" >&2
    echo "Install them with:" >&2
    echo "    sudo apt-get update && sudo $command" >&2
    echo "and run make again." >&2
    exit 1
fi

echo "system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Another apt may hold the lock for a moment (unattended upgrades, a parallel install): wait for it.
apt_opts=(-o DPkg::Lock::Timeout=300)
apt-get "${apt_opts[@]}" update -qq
apt-get "${apt_opts[@]}" install -y -qq --no-install-recommends "${missing[@]}"
