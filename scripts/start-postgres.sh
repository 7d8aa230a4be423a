#!/usr/bin/env bash
# Start Debian's PostgreSQL cluster on loopback and make an empty PostGIS database for the tests.
# Prints the SQLAlchemy URL to use as RAQIB_TEST_PG_URL on its last line.
set -euo pipefail
DB=${RAQIB_PG_DB:-raqib_test}
PASS=${RAQIB_PG_PASSWORD:-raqib}
ver=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | grep -q "^$ver main"; then
    pg_createcluster "$ver" main >/dev/null
fi
pg_ctlcluster "$ver" main start 2>/dev/null || true
for _ in $(seq 1 30); do
    su postgres -c "pg_isready -q -h 127.0.0.1" && break
    sleep 1
done
su postgres -c "psql -q -h 127.0.0.1 -c \"ALTER USER postgres PASSWORD '$PASS'\"" >/dev/null 2>&1 \
    || su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD '$PASS'\"" >/dev/null
su postgres -c "psql -q -tc \"SELECT 1 FROM pg_database WHERE datname='$DB'\"" | grep -q 1 \
    || su postgres -c "createdb $DB"
su postgres -c "psql -q -d $DB -c 'CREATE EXTENSION IF NOT EXISTS postgis'" >/dev/null
echo "postgresql+psycopg://postgres:$PASS@127.0.0.1:5432/$DB"
