#!/usr/bin/env bash
# A function whose code differs between ISAs (here under #ifdef) cannot have
# its frames mapped: xisa-opt must make it non-migratable on every ISA, say
# so once, and leave the other functions' records agreeing.
. "$(dirname "$0")/lib.sh" "$@"
cd "$work"
"$xisa_cc" -O2 -o diverge "$here/programs/diverge.c" 2>build.log || fail "xisa-cc failed: $(cat build.log)"
[ "$(grep -c "function 'scaled' is not migratable" build.log)" = 1 ] ||
  fail "expected one warning about 'scaled': $(cat build.log)"
grep -q "function 'plain'" build.log && fail "'plain' is the same on every ISA: $(cat build.log)"
"$xisa" meta check diverge >check.txt 2>&1 || fail "meta check failed: $(cat check.txt)"
for isa in x86_64 aarch64 ppc64le; do
  "$xisa" meta dump --json "diverge.$isa" >"dump.$isa.json"
  python3 - "dump.$isa.json" <<'PY' || fail "$isa: 'scaled' is not listed as non-migratable"
import json, sys
d = json.load(open(sys.argv[1]))
reasons = {n["function"]: n["reason"] for n in d["nonmig"]}
assert "differ between ISAs" in reasons.get("scaled", ""), reasons
assert "plain" not in reasons, reasons
PY
done
expect_runs diverge "total 12"
exit $((failures > 0))
