#!/usr/bin/env bash
# The gateway benchmark: 200 concurrent streaming chat completions through one gateway, against the same 200
# problems through the client library (the path './stepwise ask' takes). Writes results.csv and results.md here.
#   docs/bench/gateway/run.sh [N] [SEED]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
OUT="$ROOT/docs/bench/gateway"
N="${1:-200}"
SEED="${2:-7}"
PORT="${STEPWISE_BENCH_GATEWAY_PORT:-8095}"
cd "$ROOT"
mvn -B -q -o -Dquick install -pl cli -am
mvn -B -q -o -pl cli test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.cp
CP="cli/target/test-classes:cli/target/classes:$(cat cli/target/bench.cp)"
JAVA="${JAVA_HOME:-/usr}/bin/java"
LOG="$(mktemp -d)"
# The jar just built, run directly: the launcher would rebuild every module first.
"$JAVA" -jar cli/target/stepwise.jar up --no-gateway >"$LOG/up.out" 2>"$LOG/up.err" &
UP=$!
trap 'kill $UP ${GW:-} 2>/dev/null || true; wait 2>/dev/null || true' EXIT
for _ in $(seq 1 180); do grep -q "stepwise ready" "$LOG/up.out" && break; sleep 1; done
READY="$(grep "stepwise ready" "$LOG/up.out")"
BOOTSTRAP="$(sed -E 's/.*bootstrap=([^ ]+).*/\1/' <<<"$READY")"
REGISTRY="$(sed -E 's/.*registry=([^ ]+).*/\1/' <<<"$READY")"
"$JAVA" -Xmx512m -cp "$CP" dev.stepwise.cli.GatewayBenchmark serve "$BOOTSTRAP" "$REGISTRY" "$PORT" >"$LOG/gw.out" 2>"$LOG/gw.err" &
GW=$!
for _ in $(seq 1 60); do grep -q "gateway ready" "$LOG/gw.out" && break; sleep 1; done
"$JAVA" -cp "$CP" dev.stepwise.cli.GatewayBenchmark run "$BOOTSTRAP" "$REGISTRY" "http://127.0.0.1:$PORT/v1" "$GW" "$N" "$SEED" "$OUT"
