#!/usr/bin/env bash
# npm run test:evershop: the EverShop extension tested against a real EverShop 2.2.1 shop.
# Builds and packs the extension, installs it into the committed host shop (test/evershop/host),
# builds EverShop, starts it on a fresh PostgreSQL database in its own process group, seeds it,
# starts the Chatbot-Node server (demo bot, PGlite in a temp dir, EVERSHOP_URL = the shop) in its
# own process group, then runs assert.mjs (HTTP + Chromium). Everything started is stopped on exit.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
HOST="$ROOT/test/evershop/host"
WORK="$(mktemp -d /tmp/evershop-test.XXXXXX)"
PG_ADMIN_URL="${EVERSHOP_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
DB_NAME="evershop_test_$$"
EVERSHOP_PID=""
CHAT_PID=""
T0=$(date +%s.%N)
LAST=$T0
TIMINGS=""

phase() { # phase <name>: records the time since the last phase
  local now; now=$(date +%s.%N)
  local took; took=$(awk "BEGIN{printf \"%.1f\", $now-$LAST}")
  TIMINGS="$TIMINGS$(printf '%-44s %7s s' "$1" "$took")\n"
  echo "== $1: ${took}s"
  LAST=$now
}

stop_group() { # stop_group <pgid>: TERM, then KILL after 10 s
  local pgid=$1
  [ -z "$pgid" ] && return 0
  kill -TERM -- "-$pgid" 2>/dev/null || return 0
  for _ in $(seq 1 20); do kill -0 -- "-$pgid" 2>/dev/null || return 0; sleep 0.5; done
  kill -KILL -- "-$pgid" 2>/dev/null || true
}

cleanup() {
  local status=$?
  stop_group "$CHAT_PID"
  stop_group "$EVERSHOP_PID"
  psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" >/dev/null 2>&1 || true
  if [ $status -ne 0 ]; then
    echo "---- last lines of the EverShop log ----"; tail -n 40 "$WORK/evershop.log" 2>/dev/null || true
    echo "---- last lines of the Chatbot-Node log ----"; tail -n 40 "$WORK/chat.log" 2>/dev/null || true
  fi
  rm -rf "$WORK"
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_http() { # wait_http <url> <seconds>
  for _ in $(seq 1 $(( $2 * 2 ))); do
    if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  echo "timed out waiting for $1" >&2
  return 1
}

EVERSHOP_PORT=$(free_port)
CHAT_PORT=$(free_port)
SECRET=$(node -e 'console.log(require("crypto").randomBytes(24).toString("hex"))')
export EVERSHOP_TEST_URL="http://127.0.0.1:$EVERSHOP_PORT"
export CHAT_TEST_URL="http://127.0.0.1:$CHAT_PORT"
export CHATBOT_TEST_SECRET="$SECRET"
export DB_HOST=127.0.0.1 DB_PORT=5432 DB_USER=postgres DB_PASSWORD="${EVERSHOP_TEST_PG_PASSWORD:-}" DB_NAME DB_SSLMODE=disable
export PGURL_TEST="postgres://postgres@127.0.0.1:5432/$DB_NAME"

cd "$ROOT/packages/evershop-extension"
npx tsc -p tsconfig.json
node build.mjs
npm pack --silent --pack-destination "$WORK" >/dev/null
phase "extension: typecheck, build, pack"

cd "$HOST"
flock /tmp/npm.lock npm ci --no-audit --no-fund --loglevel=error
flock /tmp/npm.lock npm install --no-save --no-audit --no-fund --loglevel=error "$WORK"/chatbot-node-evershop-extension-*.tgz
phase "host: npm ci + install the extension tgz"

psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" >/dev/null
psql "$PG_ADMIN_URL" -qc "CREATE DATABASE $DB_NAME" >/dev/null
phase "postgres: create $DB_NAME"

npx evershop build >"$WORK/build.log" 2>&1 || { tail -n 60 "$WORK/build.log"; exit 1; }
phase "evershop build"

export CHATBOT_SERVER_URL="$CHAT_TEST_URL" CHATBOT_SECRET="$SECRET" CHATBOT_SHOP_ID="evershop-test"
export EVERSHOP_HOME_URL="$EVERSHOP_TEST_URL"
PORT=$EVERSHOP_PORT setsid npx evershop start >"$WORK/evershop.log" 2>&1 &
EVERSHOP_PID=$!
wait_http "$EVERSHOP_TEST_URL/" 120
phase "evershop start (migrate + first 200)"

npx evershop seed --all >"$WORK/seed.log" 2>&1 || { tail -n 40 "$WORK/seed.log"; exit 1; }
phase "evershop seed --all"

cd "$ROOT"
mkdir -p "$WORK/chat-data"
PORT=$CHAT_PORT HOST=127.0.0.1 PUBLIC_URL="$CHAT_TEST_URL" DATA_DIR="$WORK/chat-data" NODE_ENV=development \
  EVERSHOP_URL="$EVERSHOP_TEST_URL" EVERSHOP_SECRET="$SECRET" EVERSHOP_CACHE_TTL=600 \
  DEMO_TOKEN_DELAY_MIN_MS=0 DEMO_TOKEN_DELAY_MAX_MS=0 \
  setsid node --conditions=source --import tsx packages/server/src/main.ts >"$WORK/chat.log" 2>&1 &
CHAT_PID=$!
wait_http "$CHAT_TEST_URL/health" 90
phase "chatbot-node server start"

node "$ROOT/test/evershop/assert.mjs"
phase "assertions (HTTP + Chromium)"

TOTAL=$(awk "BEGIN{printf \"%.1f\", $(date +%s.%N)-$T0}")
echo
echo "EverShop integration test passed. Timings:"
printf "$TIMINGS"
printf '%-44s %7s s\n' "total" "$TOTAL"
