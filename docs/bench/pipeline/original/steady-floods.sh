#!/usr/bin/env bash
# Four floods of 600 beam prompts, one after the other, against a fresh `./stepwise up` of CHECKOUT, sent by a
# client alone (no topology or agents of its own). Prints each flood's verified steps per second (FloodWindow.java,
# the bench ceiling's definition), the CPU the JIT compilers spent during it, and for the last flood the CPU of the
# `up` JVM per verified step, by part. The first flood meets cold JVMs; by the third the compilers are nearly done.
#
#   steady-floods.sh CHECKOUT original|current
#
# CHECKOUT holds a built checkout: 4de902c for `original` (OriginalFlood.java is compiled against it here), any
# later one for `current`. Needs JDK 21+ on PATH (java, javac) and nothing else of ours running.
set -euo pipefail
[[ -r /proc/self/task ]] || { echo "steady-floods.sh reads each thread's CPU time from /proc: Linux only" >&2; exit 1; }
CHECKOUT=$(cd "$1" && pwd); KIND=$2
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LIB="$CHECKOUT/cli/target/lib/*"
cd "$CHECKOUT"
mkdir -p target
if [[ $KIND == original ]]; then
  mkdir -p target/flood && javac -d target/flood -cp "cli/target/stepwise.jar:$LIB" "$HERE/OriginalFlood.java"
  flood() { java -cp "target/flood:cli/target/stepwise.jar:$LIB" dev.stepwise.cli.OriginalFlood "$@"; }
else
  flood() { java -cp "cli/target/stepwise.jar:$LIB" "$HERE/CurrentFlood.java" "$@"; }
fi
rm -rf .stepwise/state
./stepwise up > target/steady-up.log 2>&1 &
for _ in $(seq 1 90); do grep -q "stepwise ready" target/steady-up.log && break; sleep 2; done
grep -q "stepwise ready" target/steady-up.log || { echo "up did not start: see $CHECKOUT/target/steady-up.log" >&2; exit 1; }
B=$(grep -o "bootstrap=[^ ]*" target/steady-up.log | head -1 | cut -d= -f2)
R=$(grep -o "registry=[^ ]*" target/steady-up.log | head -1 | cut -d= -f2)
UP=$(pgrep -f "stepwise.jar up" | head -1)
trap 'kill -TERM $UP 2>/dev/null || true' EXIT
# CPU seconds of the up JVM's threads, summed by name with numbers and ids left out.
threads() {
  for t in /proc/"$UP"/task/*; do
    echo "$(awk '{print ($14 + $15) / 100}' "$t/stat" 2>/dev/null) $(sed 's/[-#]*[0-9]*$//; s/-[0-9a-f]\{8\}-.*-StreamThread/-StreamThread/' "$t/comm" 2>/dev/null)"
  done | awk '{n = $1; $1 = ""; sub(/^ /, ""); a[$0] += n} END {for (k in a) print a[k] "\t" k}'
}
compilers() { threads | awk -F'\t' '$2 ~ /C[12] Compiler/ {s += $1} END {printf "%.1f", s}'; }
tag=$$
flood "$B" "$R" 5 2 "warm-$tag-" > /dev/null
for seed in 2 3 4 1; do
  [[ $seed == 1 ]] && threads > target/steady-cpu-before.tsv
  since=$(date +%s%3N); c0=$(compilers)
  flood "$B" "$R" 600 "$seed" "f$seed-$tag-" > /dev/null
  rate=$(java -cp "$LIB" "$HERE/FloodWindow.java" "$B" "$since" | tail -1)
  echo "flood seed $seed: $rate; JIT compilers $(echo "$(compilers) - $c0" | bc) s of CPU"
  verdicts=$(sed 's/.*verdicts \([0-9]*\).*/\1/' <<< "$rate")
done
threads > target/steady-cpu-after.tsv
# CPU per verified step of the last flood, by part of the up JVM.
awk -F'\t' -v verdicts="$verdicts" '
  function part(name) {
    if (name ~ /^(data-plane|group-coord|AddPartitions|TxnMarker|ExpirationReape|kafka-1|quorum|broker-|controller|share-|kafka-scheduler|executor-Fetch)/) return "broker"
    if (name ~ /^(stepwise-topolo|rocksdb)/) return "topology"
    if (name ~ /^kafka-producer/) return "producers"
    if (name ~ /^(ForkJoinPool|stepwise-propos|stepwise-verifi|stepwise-revise)/) return "agents"
    if (name ~ /^(C[12] Compiler|GC|G1)/) return "jit+gc"
    return "other"
  }
  NR == FNR {before[$2] = $1; next}
  {d = $1 - before[$2]; p[part($2)] += d; total += d}
  END {
    printf "last flood, CPU of the up JVM per verified step: %.0f us (", total / verdicts * 1e6
    sep = ""; for (k in p) {printf "%s%s %.0f", sep, k, p[k] / verdicts * 1e6; sep = ", "}; print ")"
  }' target/steady-cpu-before.tsv target/steady-cpu-after.tsv
