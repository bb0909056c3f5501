#!/usr/bin/env bash
# `make run`: Chiron on the embedded defaults (SQLite + in-process stream), seeded, with
# the dashboard and a simulated device fleet. Ctrl-C (or SIGTERM) stops everything and
# exits 0: a deliberate stop is not a failure. A process that dies on its own exits 1.
# MQTT=1 (`make run MQTT=1`): the fleet publishes over MQTT to the local Mosquitto
# (CHIRON_MQTT_URL, default mqtt://127.0.0.1:1883; started here if nothing listens) and the
# API subscribes to it, instead of the fleet posting over HTTP.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
API_PORT="${CHIRON_API_PORT:-8000}"
WEB_PORT="${CHIRON_WEB_PORT:-3000}"
SOURCES="${CHIRON_SIM_SOURCES:-5}"
CHIRON="$ROOT/apps/api/.venv/bin/chiron"
VAR="$ROOT/apps/api/var"
LOGS="$VAR/logs"
export PATH="$ROOT/.tools/node_modules/.bin:$PATH" NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1
mkdir -p "$LOGS"

pids=()
stop() {  # stop what we started, last started first (the fleet before the API it feeds)
  trap - INT TERM EXIT
  echo
  echo "==> stopping Chiron"
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill "${pids[i]}" 2>/dev/null || true
    wait "${pids[i]}" 2>/dev/null || true
  done
}
trap 'stop; exit 0' INT TERM
trap stop EXIT

wait_for() {  # url, name, seconds
  for _ in $(seq 1 "$3"); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 1
  done
  echo "error: $2 did not come up at $1; see $LOGS" >&2
  exit 1
}

for port in "$API_PORT" "$WEB_PORT"; do
  if curl -s -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null; then
    echo "error: port $port is already in use (set CHIRON_API_PORT / CHIRON_WEB_PORT)" >&2
    exit 1
  fi
done

MQTT_URL=""
if [ "${MQTT:-}" = "1" ]; then
  MQTT_URL="${CHIRON_MQTT_URL:-mqtt://127.0.0.1:1883}"
  hostport="${MQTT_URL#*://}"; hostport="${hostport##*@}"; hostport="${hostport%%/*}"
  MQTT_HOST="${hostport%%:*}"; MQTT_PORT="${hostport##*:}"
  [ "$MQTT_PORT" = "$hostport" ] && MQTT_PORT=1883
  if ! (exec 3<>"/dev/tcp/$MQTT_HOST/$MQTT_PORT") 2>/dev/null; then
    command -v mosquitto >/dev/null || {
      echo "error: no MQTT broker at $MQTT_HOST:$MQTT_PORT and no mosquitto to start" >&2
      exit 1
    }
    echo "==> Mosquitto on $MQTT_HOST:$MQTT_PORT (log: apps/api/var/logs/mosquitto.log)"
    mosquitto -p "$MQTT_PORT" >"$LOGS/mosquitto.log" 2>&1 &
    pids+=($!)
    sleep 0.5
  fi
fi

echo "==> building the dashboard (first run takes a minute)"
(cd "$ROOT" && pnpm turbo run build --filter web --output-logs=errors-only)

echo "==> API on http://127.0.0.1:$API_PORT (SQLite at apps/api/var/chiron.db, seeded on first run)"
(cd "$ROOT/apps/api" && CHIRON_MQTT_URL="$MQTT_URL" exec "$CHIRON" serve --port "$API_PORT") \
  >"$LOGS/api.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$API_PORT/readyz" "the API" 60

KEY_FILE="$VAR/simulator.key"
if [ ! -s "$KEY_FILE" ]; then
  (cd "$ROOT/apps/api" && "$CHIRON" clients create simulator --scope ingest) \
    2>/dev/null | grep -E "^chiron_" >"$KEY_FILE"
  chmod 600 "$KEY_FILE"
fi

fleet_over=(--url "http://127.0.0.1:$API_PORT")
[ -n "$MQTT_URL" ] && fleet_over=(--mqtt "$MQTT_URL")
echo "==> device fleet: $SOURCES simulated sources at 1 Hz over ${MQTT_URL:-HTTP} (log: apps/api/var/logs/simulate.log)"
(cd "$ROOT/apps/api" && CHIRON_TOKEN="$(cat "$KEY_FILE")" exec "$CHIRON" simulate \
  "${fleet_over[@]}" --sources "$SOURCES") >"$LOGS/simulate.log" 2>&1 &
pids+=($!)

echo "==> dashboard on http://127.0.0.1:$WEB_PORT"
(cd "$ROOT/apps/web" && CHIRON_API_URL="http://127.0.0.1:$API_PORT" \
  exec pnpm exec next start --hostname 127.0.0.1 --port "$WEB_PORT") >"$LOGS/web.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$WEB_PORT/login" "the dashboard" 60

cat <<MSG

  Chiron is running.
    Dashboard  http://127.0.0.1:$WEB_PORT   (sign in with any email: development issuer)
    API        http://127.0.0.1:$API_PORT/docs
    Logs       apps/api/var/logs/{api,simulate,web}.log

  Press Ctrl-C to stop.
MSG
wait -n "${pids[@]}" || true
echo "error: a Chiron process exited on its own; see $LOGS" >&2
exit 1
