#!/usr/bin/env bash
# OPTIONS transactions per second over UDP, loaded by sipp on this machine, with no failed
# transaction: gatehouse against sipp's own UAS as the baseline, measured in the same run.
#
# Capacity: each server is loaded at rising rates for $SECONDS_PER_STEP seconds each. A step
# passes when sipp reports no failed call and delivered at least 90% of the rate asked (sipp's
# start and stop are inside the wall time). The figure is the highest passing step, as delivered.
# On a 2-core machine one sipp client saturates its core before either server does, so both
# usually stop at the client's limit; hence the second figure.
# Cost: CPU time each server process spends per transaction at the same fixed rate
# ($COST_RATE/s), from /proc/PID/stat: what the server really costs, whatever the client can do.
# usage: sip_options_load.sh GATEHOUSE_BINARY SOURCE_DIR
set -uo pipefail

gatehouse=$1
src=$2
seconds=${SECONDS_PER_STEP:-5}
rates=(${RATES:-10000 20000 40000 60000 80000 100000 120000 150000 200000})
server_ip=127.0.0.2
client_ip=127.0.0.3
cost_rate=${COST_RATE:-40000}
work=$(mktemp -d)
server_pid=
trap '[ -n "$server_pid" ] && kill $server_pid 2>/dev/null; rm -rf "$work"' EXIT

start_gatehouse() {
  echo '{"log":{"level":"warning"},"sip":{"listeners":[{"transport":"udp","address":"'$server_ip'","port":5060}]}}' \
    >"$work/gatehouse.json"
  "$gatehouse" --config "$work/gatehouse.json" 2>"$work/server.log" &
  server_pid=$!
}

start_sipp_uas() {
  sipp -sf "$src/tests/bench/sipp/options_uas.xml" -i $server_ip -p 5060 -nostdin -buff_size 4194304 \
    >"$work/server.log" 2>&1 &
  server_pid=$!
}

# step RATE -> prints "delivered retransmissions" and returns 0 when the step passed
step() {
  local rate=$1 calls=$(($1 * seconds)) t0 t1
  t0=$(date +%s.%N)
  sipp -sf "$src/tests/integration/sipp/options_uac.xml" $server_ip:5060 -i $client_ip -p 5070 \
    -r "$rate" -m "$calls" -nostdin -timeout $((seconds * 4))s -timeout_error -buff_size 4194304 \
    >"$work/client.log" 2>&1
  local status=$?
  t1=$(date +%s.%N)
  local ok failed retrans
  ok=$(awk -F'|' '/Successful call/ {gsub(/ /,"",$3); print $3}' "$work/client.log")
  failed=$(awk -F'|' '/Failed call/ {gsub(/ /,"",$3); print $3}' "$work/client.log")
  retrans=$(awk '/OPTIONS ---------->/ {print $4}' "$work/client.log" | head -1)
  local delivered
  delivered=$(awk -v n="${ok:-0}" -v a="$t0" -v b="$t1" 'BEGIN {printf "%d", n / (b - a)}')
  echo "$delivered ${retrans:-0}"
  [ "$status" -eq 0 ] && [ "${failed:-1}" = 0 ] && [ "$delivered" -ge $((rate * 90 / 100)) ]
}

measure() {
  local name=$1 best=0 best_retrans=0 result
  for rate in "${rates[@]}"; do
    $2
    sleep 0.5
    if result=$(step "$rate"); then
      read -r best best_retrans <<<"$result"
      printf '  %-10s %7d/s asked: passed, %s/s delivered, %s retransmissions\n' "$name" "$rate" ${result% *} ${result#* } >&2
      kill $server_pid; wait $server_pid 2>/dev/null
      server_pid=
    else
      printf '  %-10s %7d/s asked: failed (%s/s delivered, %s retransmissions)\n' "$name" "$rate" ${result% *} ${result#* } >&2
      kill $server_pid; wait $server_pid 2>/dev/null
      server_pid=
      break
    fi
  done
  echo "$best"
}

# cpu_ticks PID: user+system clock ticks the process has used
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# cost START_FN -> microseconds of server CPU per transaction at $cost_rate/s
cost() {
  $1
  sleep 0.5
  local before after result
  before=$(cpu_ticks $server_pid)
  result=$(step "$cost_rate") || echo "  (the cost step had failures: $result)" >&2
  after=$(cpu_ticks $server_pid)
  kill $server_pid; wait $server_pid 2>/dev/null
  server_pid=
  awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v n=$((cost_rate * seconds)) \
    'BEGIN {printf "%.2f", t / hz * 1e6 / n}'
}

echo "OPTIONS over UDP, sipp as the load, ${seconds}s per step:" >&2
gh=$(measure gatehouse start_gatehouse)
uas=$(measure sipp-uas start_sipp_uas)
gh_cost=$(cost start_gatehouse)
uas_cost=$(cost start_sipp_uas)
awk -v g="$gh" -v s="$uas" -v gc="$gh_cost" -v sc="$uas_cost" -v r="$cost_rate" 'BEGIN {
  printf "\nOPTIONS transactions per second with no failure, one UDP listener:\n"
  printf "  gatehouse: %8d/s\n  sipp UAS:  %8d/s (baseline)\n", g, s
  if (s > 0) printf "  ratio:     %8.2fx\n", g / s
  printf "Server CPU per transaction at %d/s (lower is better):\n", r
  printf "  gatehouse: %6.2f us\n  sipp UAS:  %6.2f us (baseline)\n", gc, sc
  if (gc > 0) printf "  gatehouse does the same work in %.2fx less CPU\n", sc / gc
}'
