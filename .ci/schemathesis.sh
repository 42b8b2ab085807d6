#!/usr/bin/env bash
# Runs schemathesis against a real server with a real sync token: no 5xx, and every answer
# must match the OpenAPI document. Usage: .ci/schemathesis.sh PATH-TO-LOONDOSSIER-BINARY
set -euo pipefail
binary="$(realpath "$1")"
work="$(mktemp -d)"
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"
printf 'data_dir = "data"\n[http]\nlisten = "127.0.0.1:0"\n' > loondossier.toml

"$binary" bureau add --client-number ST1 --name "Schemathesis Bureau" > /dev/null
token="$("$binary" token create --bureau ST1 --name schemathesis | tail -n 1)"

"$binary" serve > server.log 2>&1 &
server=$!
for _ in $(seq 1 100); do
  url="$(grep -o 'listening on http://[0-9.:]*' server.log | head -n 1 | cut -d' ' -f3 || true)"
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "${url:-}" ] || { cat server.log; echo "the server did not start" >&2; exit 1; }

# Something to find: an employer with an employee and a payslip.
auth="Authorization: Bearer $token"
curl -fsS -X PUT "$url/api/v1/employers/131459077L01" -H "$auth" -H 'content-type: application/json' \
  -d '{"name":"Active BV","email":"info@active.example"}' > /dev/null
curl -fsS -X PUT "$url/api/v1/employers/131459077L01/employees/1" -H "$auth" -H 'content-type: application/json' \
  -d '{"name":"Bakker, N","bsn":"009633042","birth_date":"1960-12-31","email":"n@active.example"}' > /dev/null

schemathesis run "$url/api/v1/openapi.json" \
  --header "$auth" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --max-examples 40 \
  --generation-deterministic
