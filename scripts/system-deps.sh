#!/usr/bin/env bash
# Debian packages the server and browser tiers of the tests need: PostgreSQL + PostGIS, and
# Chromium with an Arabic font for the web map; and the venv module of Debian's python3, which
# `make` prefers for .venv (scripts/python.sh). Run as root (CI does); skips what is present.
set -euo pipefail
need=()
command -v pg_ctlcluster >/dev/null || need+=(postgresql)
[ -d /usr/share/postgresql/15/extension ] && ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1 \
    || need+=(postgresql-15-postgis-3)
command -v chromium >/dev/null || need+=(chromium)
[ -d /usr/share/fonts/truetype/noto ] || need+=(fonts-noto-core)
/usr/bin/python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need+=(python3-venv)
if [ ${#need[@]} -gt 0 ]; then
    echo "installing Debian packages: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${need[@]}" >/dev/null
fi
