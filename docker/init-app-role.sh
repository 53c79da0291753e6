#!/bin/sh
# Creates the role the nodes run as (DATABASE_URL): it gets its grants from each node at start,
# through DATABASE_OWNER_URL, and may only read and append to the audit trail. The password comes
# from APP_DB_PASSWORD, never from this file. Runs only when the PostgreSQL volume is new; on an
# existing volume run the same statement by hand (see README, "审计日志 (audit trail)").
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -v app_password="$APP_DB_PASSWORD" <<'SQL'
SELECT format('CREATE ROLE supervision_app LOGIN PASSWORD %L', :'app_password') \gexec
SQL
