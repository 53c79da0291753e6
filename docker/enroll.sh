#!/bin/sh
# Enrolls the four-node federation of compose.yml through the nodes' admin APIs, with curl only:
# the city under the province, both counties under the city (federation/PROTOCOL.md, "Identity
# and enrollment"). Safe to run again: a child whose status already names its parent is skipped.
#
# Compose runs it as the one-shot `enroll` service. From the host, against the published ports:
#   ADMIN_TOKEN=... sh docker/enroll.sh
# Every node must use the same ADMIN_TOKEN (compose.yml gives them one). URLs default to the ports
# compose.yml publishes; override PROVINCE_URL, CITY_URL, COUNTY_610203_URL, COUNTY_610204_URL.
set -eu

: "${ADMIN_TOKEN:?set ADMIN_TOKEN to the nodes admin token}"
PROVINCE_URL=${PROVINCE_URL:-http://127.0.0.1:8080}
CITY_URL=${CITY_URL:-http://127.0.0.1:8081}
COUNTY_610203_URL=${COUNTY_610203_URL:-http://127.0.0.1:8082}
COUNTY_610204_URL=${COUNTY_610204_URL:-http://127.0.0.1:8083}

BODY=$(mktemp)
trap 'rm -f "$BODY"' EXIT

# call METHOD URL [JSON]: the answer body goes to $BODY, the HTTP status to stdout.
call() {
  if [ $# -ge 3 ]; then
    curl -sS -o "$BODY" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $ADMIN_TOKEN" \
      -H 'Content-Type: application/json' --data "$3" "$2"
  else
    curl -sS -o "$BODY" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $ADMIN_TOKEN" "$2"
  fi
}

fail() {
  echo "enroll: $1: $(cat "$BODY")" >&2
  exit 1
}

# wait_for URL: until /health answers 200 (two minutes at most).
wait_for() {
  tries=0
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "$1/health" || true)" = 200 ]; do
    tries=$((tries + 1))
    [ "$tries" -le 60 ] || { echo "enroll: $1/health does not answer 200" >&2; exit 1; }
    sleep 2
  done
}

# enroll PARENT_URL PARENT_CODE CHILD_URL CHILD_CODE CHILD_LEVEL CHILD_NAME
enroll() {
  wait_for "$1"
  wait_for "$3"
  [ "$(call GET "$3/api/v1/federation/status")" = 200 ] || fail "status of $4"
  if grep -q "\"parent\":{\"code\":\"$2\"" "$BODY"; then
    echo "登记 (enrollment) $4 -> $2: already enrolled"
    return
  fi
  [ "$(call POST "$1/api/v1/children" "{\"code\":\"$4\",\"name\":\"$6\",\"level\":\"$5\"}")" = 201 ] || fail "registering $4 at $2"
  token=$(sed -n 's/.*"enrollmentToken":"\([^"]*\)".*/\1/p' "$BODY")
  [ -n "$token" ] || fail "no enrollmentToken from $2"
  [ "$(call POST "$3/api/v1/federation/enroll" "{\"token\":\"$token\"}")" = 200 ] || fail "enrolling $4 with $2"
  echo "登记 (enrollment) $4 -> $2: enrolled"
}

enroll "$PROVINCE_URL" 610000 "$CITY_URL" 610200 city 铜川市电子监察节点
enroll "$CITY_URL" 610200 "$COUNTY_610203_URL" 610203 county 铜川市印台区电子监察节点
enroll "$CITY_URL" 610200 "$COUNTY_610204_URL" 610204 county 铜川市耀州区电子监察节点
