#!/usr/bin/env bash
# Migration scenarios driven through the real commands: `xisa run` a test
# program, move or checkpoint it while it prints, and require the output and
# exit status of an unmigrated run.
# Usage: migrate-test.sh XISA BIN_DIR SCENARIO ARGS...
#   hops PROG ISA0 ISA1 ...  start PROG (a base path: PROG.<isa> exist) on
#                        ISA0, migrate to ISA1, ISA2, ... in turn
#   checkpoint ISA       checkpoint (program goes on), then restore the images
#   threads PROG ISA TO  checkpoint a threaded program (every thread in the
#                        images), then migrate it to TO: all threads go on
#   mismatch ISA         migration into a replaced executable is refused, original goes on
#   refused PROG ISA TO MESSAGE
#                        migration of PROG from ISA to TO is refused with
#                        an error containing MESSAGE; PROG goes on on ISA
#   corrupt ISA          damaged checkpoint images are refused, nothing starts
#   scheduled [SITE] SOURCE PERCENTS ISA0 ISA1 ...
#                        a corpus program (BIN_DIR/<name of SOURCE>.<isa>,
#                        with the args and stdin its source's tags give)
#                        started on ISA0 hops to ISA1, ISA2, ... when its
#                        main thread has passed PERCENTS (e.g. 20,50,80) of
#                        the migration points a whole run passes (xisa run
#                        --count-points, then --hop); each hop must happen
#                        at the point it was given (the runtime reports
#                        where it parked). SITE: --one-site, all at one
#                        call site (the poll of the one loop the hops are
#                        inside); --site-live REGEX, all at one call site
#                        whose live values (as `xisa meta dump PROG.ISA0`
#                        lists them, e.g. `i64=r3:8 v128=[r6-224]:16`)
#                        match the extended regex REGEX
#   program [SITE] PROG ARGS PERCENTS ISA0 ISA1 ...
#                        like scheduled, for any program (PROG.<isa> exist)
#                        run with ARGS (one word list), stdin /dev/null
#   points SOURCE ISA... the corpus program counted on each ISA: the counts
#                        agree and counting changes no output
set -euo pipefail
xisa="$1" bin="$2" scenario="$3"
shift 3
# The wall-clock limit of one run, a guard against hangs: each hop of a
# large program reads its metadata (Lua: 50-60 s a hop on a loaded machine).
run_limit="${XISA_TEST_RUN_LIMIT:-120}"
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/migrate-lib.sh"

# launch ISA PROG ARGS...: the reference run of PROG.ISA, then PROG under
# `xisa run` in the background, printing to $tmp/out.
launch() {
  local isa="$1" prog="$2"
  shift 2
  reference "$isa" "$prog.$isa" "$@"
  "$xisa" run --quiet --isa "$isa" --pidfile "$tmp/pid" "$prog" "$@" > "$tmp/out" 2> "$tmp/err" &
  supervisor=$!
  for _ in $(seq 100); do [ -s "$tmp/pid" ] && return 0; sleep 0.1; done
  die "xisa run did not write its pidfile: $(cat "$tmp/err")"
}

wait_lines() {
  for _ in $(seq 600); do
    [ "$(wc -l < "$tmp/out")" -ge "$1" ] && return 0
    kill -0 "$supervisor" 2>/dev/null || die "program ended before printing $1 lines"
    sleep 0.05
  done
  die "program did not print $1 lines in 30 s"
}

migrate_to() {
  "$xisa" migrate "$(cat "$tmp/pid")" --to "$1" --json > "$tmp/migrate.json" ||
    die "migrate to $1 failed: $(cat "$tmp/migrate.json" "$tmp/err")"
  grep -q '"ok":true' "$tmp/migrate.json" || die "migrate reply: $(cat "$tmp/migrate.json")"
  echo "migrated to $1: $(cat "$tmp/migrate.json")"
}

# migrate_refused TO MESSAGE: the migration must fail with MESSAGE in its error.
migrate_refused() {
  if "$xisa" migrate "$(cat "$tmp/pid")" --to "$1" > "$tmp/migrate.out" 2> "$tmp/migrate.err"; then
    die "migration to $1 claimed success"
  fi
  grep -qF "$2" "$tmp/migrate.err" || die "no clear error: $(cat "$tmp/migrate.err")"
  echo "refused: $(cat "$tmp/migrate.err")"
}

checkpoint_to() {
  "$xisa" checkpoint "$(cat "$tmp/pid")" --dir "$1" --json > "$tmp/ck.json" ||
    die "checkpoint failed: $(cat "$tmp/ck.json" "$tmp/err")"
}

# corpus_program SOURCE: prog (its xisa-cc build in BIN_DIR), args and stdin
# as the corpus test runs it.
corpus_program() {
  . "$here/../corpus/corpus-lib.sh"
  prog="$bin/$(basename "$1" .c)"
  read -r -a args <<<"$(corpus_tag "$1" args)"
  stdin="$(corpus_stdin "$1")"
}

# count_points ISA: total = the migration points the main thread of a whole
# run of the corpus program passes there; the run's output must be the
# reference's.
count_points() {
  set +e
  timeout "$run_limit" "$xisa" run --quiet --isa "$1" --count-points "$prog" "${args[@]}" \
    < "$stdin" > "$tmp/count.out" 2> "$tmp/err"
  local rc=$?
  set -e
  compare "$tmp/count.out" "$rc"
  total="$(sed -n 's/^xisa: the main thread passed \([0-9]*\) migration points$/\1/p' "$tmp/err")"
  [ -n "$total" ] || die "xisa run --count-points on $1 reported no count: $(cat "$tmp/err")"
}

# The live values of call site ID in the record list of `xisa meta dump EXE`.
site_live_values() {
  "$xisa" meta dump "$1" | sed -n "s/^  site $2 return .* live \([^|]*\) | .*/\1/p"
}

# check_hop_points ERR N ONE_SITE: N hop lines of ERR each say the main
# thread parked at the point the hop was given; with ONE_SITE nonempty, all
# at one call site, whose live values match $site_live if that is set.
check_hop_points() {
  local sites="" n=0
  while read -r hop given parked site; do
    [ "$parked" = "$given" ] || die "hop $hop was given point $given but happened at point $parked"
    sites="$sites $site"
    n=$((n + 1))
  done < <(sed -n 's/^xisa: hop \([0-9]*\) at point \([0-9]*\): .*; parked at point \([0-9]*\), call site \(0x[0-9a-f]*\)$/\1 \2 \3 \4/p' "$1")
  [ "$n" = "$2" ] || die "$n of $2 hops say where they parked (stderr: $(cat "$1"))"
  echo "hops parked at their points, at call sites:$sites"
  if [ -n "$3" ]; then
    [ "$(echo $sites | tr ' ' '\n' | sort -u)" != 0x0 ] || die "the hops parked at no known call site"
    [ "$(echo $sites | tr ' ' '\n' | sort -u | wc -l)" = 1 ] || die "the hops happened at different call sites:$sites"
  fi
  if [ -n "$site_live" ]; then
    local site="${sites##* }" live
    live="$(site_live_values "$prog.$first_isa" "$site")"
    [ -n "$live" ] || die "call site $site has no record in $prog.$first_isa"
    echo "$live" | grep -Eq -- "$site_live" ||
      die "the hops parked at call site $site, whose live values ($live) do not match '$site_live'"
    echo "call site $site keeps $live"
  fi
}

# scheduled_hops PERCENTS ISA0 ISA1 ...: $prog with $args and $stdin,
# started on ISA0, hops to ISA1, ... at PERCENTS of the migration points a
# whole run passes (at one call site if $one_site is set); output and
# status must be the unmigrated run's.
scheduled_hops() {
  local percents="$1" first="$2"
  first_isa="$first"
  shift 2
  reference "$first" "$prog.$first" "${args[@]}" < "$stdin"
  count_points "$first"
  IFS=, read -r -a fractions <<<"$percents"
  [ "${#fractions[@]}" = $# ] || die "$# hops but ${#fractions[@]} percentages ($percents)"
  [ "$total" -ge 1 ] || die "the program passes no migration point: nothing can move it"
  hops=("$@")
  if [ "$total" -lt $# ]; then
    # Each hop needs a point of its own: take the route's first hops, one per point.
    hops=("${hops[@]:0:total}")
    echo "NOTE: the program passes only $total migration point(s): $total of the route's $# hops"
  fi
  hop_args=() point=0 i=0
  for to in "${hops[@]}"; do
    at=$((total * fractions[i] / 100))
    point=$((at > point ? at : point + 1))
    # Late hops of a short run must still fit before its last point.
    last=$((total - (${#hops[@]} - 1 - i)))
    point=$((point < last ? point : last))
    hop_args+=(--hop "$point:$to")
    i=$((i + 1))
  done
  echo "$total migration points; hops: ${hop_args[*]}"
  set +e
  timeout "$run_limit" "$xisa" run --quiet --isa "$first" "${hop_args[@]}" "$prog" "${args[@]}" \
    < "$stdin" > "$tmp/out" 2> "$tmp/err"
  rc=$?
  set -e
  grep '^xisa: ' "$tmp/err" || true
  [ "$rc" != 124 ] || die "the migrated run did not end within $run_limit s"
  done_hops="$(grep -c '^xisa: hop [0-9]* at point [0-9]*: ' "$tmp/err" || true)"
  [ "$done_hops" = ${#hops[@]} ] || die "$done_hops of ${#hops[@]} hops happened (stderr: $(cat "$tmp/err"))"
  check_hop_points "$tmp/err" ${#hops[@]} "$one_site"
  compare "$tmp/out" "$rc"
}

# site_option ARGS...: the SITE option of scheduled and program, if ARGS
# start with one: sets one_site and site_live, and site_words to the number
# of words it took.
site_option() {
  one_site="" site_live="" site_words=0
  case "${1:-}" in
  --one-site) one_site=1 site_words=1 ;;
  --site-live)
    [ $# -ge 2 ] || die "--site-live needs a regex"
    one_site=1 site_live="$2" site_words=2
    ;;
  esac
}

case "$scenario" in
hops)
  prog="$1" first="$2"
  shift 2
  launch "$first" "$prog" 40 150
  line=2
  for to in "$@"; do
    wait_lines "$line"
    echo "after line $line:"
    migrate_to "$to"
    line=$((line + 4))
  done
  finish
  ;;
checkpoint)
  isa="$1"
  launch "$isa" "$bin/counter" 30 150
  wait_lines 3
  checkpoint_to "$tmp/ck"
  finish
  for img in inventory.img pstree.img mm-*.img pagemap-*.img pages-*.img files.img core-*.img; do
    compgen -G "$tmp/ck/$img" > /dev/null || die "checkpoint lacks $img"
  done
  if [ -d /opt/xisa/criu/python ]; then
    PYTHONPATH=/opt/xisa/criu/python /usr/bin/python3 "$here/../transformer/crit_decode.py" "$tmp/ck" \
      > "$tmp/crit.json" || die "CRIU's decoder rejects the checkpoint"
  else
    die "CRIU's pycriu is not installed (/opt/xisa/criu/python): run scripts/setup.sh"
  fi
  set +e
  "$xisa" restore --quiet "$tmp/ck" > "$tmp/restored.out" 2> "$tmp/restore.err"
  restored_rc=$?
  set -e
  [ "$restored_rc" = "$ref_rc" ] || die "restored run exit status $restored_rc, expected $ref_rc: $(cat "$tmp/restore.err")"
  n=$(wc -l < "$tmp/restored.out")
  [ "$n" -ge 2 ] || die "restored run printed $n lines"
  tail -n "$n" "$tmp/ref.out" | cmp -s - "$tmp/restored.out" ||
    die "restored run's output is not the rest of the unmigrated run's"
  echo "restore printed the last $n lines of the reference run"
  ;;
threads)
  prog="$1" isa="$2" to="$3"
  launch "$isa" "$prog" 3 40 100
  checkpoint_to "$tmp/ck"
  n=$(ls "$tmp"/ck/core-*.img | wc -l)
  [ "$n" = 4 ] || die "checkpoint has $n threads, expected 4"
  migrate_to "$to"
  finish
  ;;
mismatch)
  isa="$1"
  cp "$bin/counter.$isa" "$tmp/prog.$isa"
  launch "$isa" "$tmp/prog" 30 150
  wait_lines 2
  cp "$bin/other.$isa" "$tmp/new" && mv "$tmp/new" "$tmp/prog.$isa"
  migrate_refused "$isa" "changed since the program started"
  finish
  ;;
refused)
  prog="$1" isa="$2" to="$3" message="$4"
  launch "$isa" "$prog" 40 150
  wait_lines 2
  migrate_refused "$to" "$message"
  finish
  ;;
corrupt)
  isa="$1"
  launch "$isa" "$bin/counter" 20 100
  wait_lines 2
  checkpoint_to "$tmp/ck"
  finish
  expect_refused() {
    local what="$1"
    set +e
    "$xisa" restore --quiet "$tmp/bad" > "$tmp/bad.out" 2> "$tmp/bad.err"
    local bad_rc=$?
    set -e
    [ "$bad_rc" != 0 ] || die "restore of $what succeeded"
    [ ! -s "$tmp/bad.out" ] || die "restore of $what started the program: $(cat "$tmp/bad.out")"
    grep -q "error" "$tmp/bad.err" || die "restore of $what gave no error message"
    echo "$what: $(head -1 "$tmp/bad.err")"
  }
  rm -rf "$tmp/bad" && cp -r "$tmp/ck" "$tmp/bad"
  pages=$(ls "$tmp"/bad/pages-*.img)
  truncate -s $(($(stat -c %s "$pages") / 2)) "$pages"
  expect_refused "truncated pages"
  rm -rf "$tmp/bad" && cp -r "$tmp/ck" "$tmp/bad"
  core=$(ls "$tmp"/bad/core-*.img | head -1)
  truncate -s 20 "$core"
  expect_refused "truncated core"
  rm -rf "$tmp/bad" && cp -r "$tmp/ck" "$tmp/bad"
  rm "$tmp"/bad/mm-*.img
  expect_refused "missing mm image"
  ;;
points)
  corpus_program "$1"
  shift
  reference x86_64 "$prog.x86_64" "${args[@]}" < "$stdin"
  counts=""
  for isa in "$@"; do
    count_points "$isa"
    echo "$isa: $total migration points"
    counts="$counts $total"
  done
  [ "$(echo $counts | tr ' ' '\n' | sort -u | wc -l)" = 1 ] || die "the ISAs count differently:$counts"
  ;;
scheduled)
  site_option "$@"
  shift "$site_words"
  corpus_program "$1"
  shift
  scheduled_hops "$@"
  ;;
program)
  site_option "$@"
  shift "$site_words"
  prog="$1" stdin=/dev/null
  read -r -a args <<<"$2"
  shift 2
  scheduled_hops "$@"
  ;;
*)
  die "unknown scenario $scenario"
  ;;
esac
echo "PASS: $scenario $*"
