#!/usr/bin/env bash
# One sitting of Cloudbill's benchmarks beside PostgreSQL's own: pgbench
# tpcb-like on a scratch database, then the project's PostgreSQL and memory
# benchmarks, then a summary that gives each PostgreSQL benchmark's
# throughput as a ratio to tpcb-like's transactions per second. Absolute
# figures move with the machine's load; ratios from one sitting compare.
#
#   scripts/bench.sh
#
# Environment (all optional):
#   CLOUDBILL_POSTGRES_DSN   the test database, as a postgres:// URL
#                            (default postgres://postgres@127.0.0.1:5432/test?sslmode=disable);
#                            the pgbench tables go to a scratch database
#                            beside it, created and dropped by this script
#   CLOUDBILL_POSTGRES_ISOLATION  passed through to the Go benchmarks
#                            ("serializable" measures the store at SERIALIZABLE)
#   BENCH_SECONDS            pgbench's duration and the Go throughput
#                            benchmarks' -benchtime (default 20)
#   BENCH_TICK_1M            0 skips BenchmarkTickPostgres1M, which seeds
#                            1,000,000 resources first (default 1)
set -euo pipefail
cd "$(dirname "$0")/.."

DSN="${CLOUDBILL_POSTGRES_DSN:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}"
export CLOUDBILL_POSTGRES_DSN="$DSN"
SECS="${BENCH_SECONDS:-20}"
TICK_1M="${BENCH_TICK_1M:-1}"
CLIENTS=8
SCRATCH_DB=cloudbill_bench_pgbench

case "$DSN" in
  postgres://*|postgresql://*) ;;
  *) echo "CLOUDBILL_POSTGRES_DSN must be a postgres:// URL, got: $DSN" >&2; exit 2 ;;
esac
# The same server and settings, another database: replace the URL's path.
SCRATCH_DSN=$(printf '%s' "$DSN" | sed -E "s#^(postgres(ql)?://[^/?]*)(/[^?]*)?#\\1/${SCRATCH_DB}#")

PGBENCH=$(command -v pgbench || ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | tail -n 1 || true)
[ -n "$PGBENCH" ] || { echo "pgbench not found (it ships with PostgreSQL's client or server packages)" >&2; exit 2; }
command -v psql >/dev/null || { echo "psql not found" >&2; exit 2; }

OUT=$(mktemp -d)
cleanup() {
  psql "$DSN" -q -c "DROP DATABASE IF EXISTS ${SCRATCH_DB}" >/dev/null 2>&1 || true
  rm -rf "$OUT"
}
trap cleanup EXIT

# metric NAME UNIT FILE prints the value reported before UNIT on the result
# line of benchmark NAME in go test output FILE (empty when absent).
metric() {
  awk -v name="$1" -v unit="$2" '
    $1 ~ ("^" name "(-[0-9]+)?$") { for (i = 3; i <= NF; i++) if ($i == unit) v = $(i - 1) }
    END { print v }' "$3"
}

# ratio A B prints A/B to two places, or "n/a".
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "n/a"; else printf "%.2f", a / b }'
}

# gobench FILE PACKAGE PATTERN BENCHTIME [go test flags…] runs the
# benchmarks matching PATTERN and appends their output to FILE. A failing
# benchmark is recorded and the sitting goes on; the script fails at the end.
failed=()
gobench() {
  local file=$1 pkg=$2 pattern=$3 benchtime=$4
  shift 4
  if ! go test -run '^$' -bench "^(${pattern})\$" -benchtime="$benchtime" -benchmem -count=1 "$@" "$pkg" | tee -a "$file"; then
    failed+=("$pattern")
  fi
}

started=$(date -u '+%Y-%m-%d %H:%M UTC')
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
server=$(psql "$DSN" -Atc 'SHOW server_version')
echo "== Cloudbill benchmarks, $started"
echo "machine:   $(uname -srm), $(nproc) cores${cpu:+, $cpu}, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "software:  $(go version | cut -d' ' -f3-4), PostgreSQL $server, $("$PGBENCH" --version)"
echo "isolation: ${CLOUDBILL_POSTGRES_ISOLATION:-read committed (default)}"

echo; echo "== pgbench tpcb-like: scale $CLIENTS, $CLIENTS clients, 2 threads, ${SECS}s"
psql "$DSN" -q -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS ${SCRATCH_DB}" -c "CREATE DATABASE ${SCRATCH_DB}"
"$PGBENCH" -i -q -s "$CLIENTS" "$SCRATCH_DSN" 2>&1 | tail -n 1
"$PGBENCH" -b tpcb-like -c "$CLIENTS" -j 2 -T "$SECS" "$SCRATCH_DSN" | tee "$OUT/pgbench"
tps=$(awk '/^tps = / { print $3; exit }' "$OUT/pgbench")
psql "$DSN" -q -c "DROP DATABASE IF EXISTS ${SCRATCH_DB}"

echo; echo "== PostgreSQL benchmarks, ${CLIENTS} clients, ${SECS}s each"
gobench "$OUT/pg" ./storage/postgres/ 'BenchmarkWalletDebitParallel' "${SECS}s"
gobench "$OUT/pg" ./billing/ 'BenchmarkPayByCreditPostgres8|BenchmarkCheckoutPostgres8' "${SECS}s"
gobench "$OUT/pg" ./billing/ 'BenchmarkTickPostgres100k' 10x
if [ "$TICK_1M" != 0 ]; then
  gobench "$OUT/pg" ./billing/ 'BenchmarkTickPostgres1M' 5x -timeout 60m
fi
gobench "$OUT/pg" ./billing/ 'BenchmarkMonthClosePostgres' 3x
gobench "$OUT/pg" ./billing/ 'BenchmarkRecordUsagePostgres' 5s

echo; echo "== memory benchmarks"
gobench "$OUT/mem" ./billing/ 'BenchmarkPayByCreditMemory|BenchmarkCheckoutMemory' 3s
gobench "$OUT/mem" ./billing/ 'BenchmarkTickMemory1M' 10x -timeout 30m
gobench "$OUT/mem" ./billing/ 'BenchmarkMonthCloseMemory' 3x

echo; echo "== summary ($started; load average now $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-32s %22s %12s\n' "PostgreSQL" "throughput" "/ tpcb-like"
printf '%-32s %10.0f %-11s %12s\n' "pgbench tpcb-like" "$tps" "tps" "1.00"
row() { # NAME UNIT
  local v
  v=$(metric "$1" "$2" "$OUT/pg")
  [ -n "$v" ] || return 0
  printf '%-32s %10.0f %-11s %12s\n' "$1" "$v" "$2" "$(ratio "$v" "$tps")"
}
row BenchmarkWalletDebitParallel ops/s
row BenchmarkPayByCreditPostgres8 payments/s
row BenchmarkCheckoutPostgres8 checkouts/s
row BenchmarkTickPostgres100k due/s
row BenchmarkTickPostgres1M due/s
row BenchmarkMonthClosePostgres invoices/s
row BenchmarkRecordUsagePostgres events/s

echo
printf '%-32s %14s %12s %12s\n' "memory" "time/op" "B/op" "allocs/op"
for name in BenchmarkPayByCreditMemory BenchmarkCheckoutMemory BenchmarkTickMemory1M BenchmarkMonthCloseMemory; do
  ns=$(metric "$name" ns/op "$OUT/mem")
  [ -n "$ns" ] || continue
  printf '%-32s %14s %12s %12s\n' "$name" \
    "$(awk -v ns="$ns" 'BEGIN { if (ns >= 1e6) printf "%.1f ms", ns / 1e6; else printf "%.1f us", ns / 1e3 }')" \
    "$(metric "$name" B/op "$OUT/mem")" "$(metric "$name" allocs/op "$OUT/mem")"
done

v=$(metric BenchmarkMonthCloseMemory invoices/s "$OUT/mem")
[ -z "$v" ] || printf '%-32s %10.0f invoices/s\n' "BenchmarkMonthCloseMemory" "$v"

if [ ${#failed[@]} -gt 0 ]; then
  echo; echo "FAILED: ${failed[*]}" >&2
  exit 1
fi
