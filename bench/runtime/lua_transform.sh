#!/usr/bin/env bash
# The transform step of a Lua hop (issue 5): `xisa transform` of one
# checkpoint of Lua 5.4.7 (tests/real, built by `ctest -R real.lua.build`)
# running tests/real/lua/workload.lua in a loop on x86_64, to each ISA,
# with each given xisa binary (e.g. main's and a branch's). CPU time
# (user + sys) is the figure to compare on a shared machine; wall time is
# stretched by the load. Writes a markdown table with the command.
# Usage: lua_transform.sh OUT LUA REPS LABEL=XISA [LABEL=XISA...]
#   LUA: the base path of the xisa-cc build (LUA.x86_64 ... exist); the
#   checkpoint is made with the first XISA.
set -euo pipefail
out="$1" lua="$2" reps="$3"
shift 3
here="$(cd "$(dirname "$0")" && pwd)"
script="$here/../../tests/real/lua/workload.lua"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export XDG_RUNTIME_DIR="$tmp/run"
mkdir -p "$XDG_RUNTIME_DIR"
first="${1#*=}"

echo "for _ = 1, 1000 do dofile('$script') end" > "$tmp/loop.lua"
"$first" run --quiet --isa x86_64 --pidfile "$tmp/pid" "$lua" "$tmp/loop.lua" > /dev/null 2>&1 &
for _ in $(seq 100); do [ -s "$tmp/pid" ] && break; sleep 0.1; done
sleep 2
"$first" checkpoint "$(cat "$tmp/pid")" --dir "$tmp/ck" > /dev/null
kill "$(cat "$tmp/pid")"
wait || true

load_before="$(cut -d' ' -f1 /proc/loadavg)"
{
  echo "# Transform step of a Lua hop"
  echo
  echo "Command: \`bench/runtime/lua_transform.sh $out $lua $reps $*\`"
  echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(nproc) CPUs, shared (load below)."
  echo "One checkpoint of lua.x86_64 running workload.lua in a loop, transformed"
  echo "$reps times to each ISA by each binary; medians. CPU = user + sys."
  echo
  echo "| xisa | to | CPU s | wall s | result |"
  echo "| --- | --- | --- | --- | --- |"
} > "$out"
for labelled in "$@"; do
  label="${labelled%%=*}" xisa="${labelled#*=}"
  for to in x86_64 aarch64 ppc64le; do
    cpus=() walls=() result=ok
    for _ in $(seq "$reps"); do
      rm -rf "$tmp/out"
      if ! /usr/bin/time -f '%U %S %e' -o "$tmp/time" "$xisa" transform --to "$to" \
          "$tmp/ck" "$tmp/out" > /dev/null 2> "$tmp/err"; then
        result="fails: $(head -c 100 "$tmp/err" | tr '\n|' '  ')"
      fi
      read -r user sys wall < <(tail -1 "$tmp/time")
      cpus+=("$(echo "$user + $sys" | bc)") walls+=("$wall")
    done
    median() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }
    echo "| $label | $to | $(median "${cpus[@]}") | $(median "${walls[@]}") | $result |" >> "$out"
  done
done
echo >> "$out"
echo "Load average (1 min) before / after: $load_before / $(cut -d' ' -f1 /proc/loadavg)." >> "$out"
cat "$out"
