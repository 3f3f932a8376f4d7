#!/usr/bin/env bash
# `xisa layout check`: passes on a program xisa-cc built (its own symbols,
# the runtime's and musl's), fails and names the symbols on mismatched ones.
. "$(dirname "$0")/lib.sh" "$@"
cd "$work"
"$xisa_cc" -O2 -o hello "$here/programs/hello.c" 2>build.log || fail "xisa-cc failed: $(cat build.log)"
if ! "$xisa" layout check hello >check.txt; then
  fail "xisa layout check hello failed:"
  cat check.txt
fi
"$xisa" layout check hello --json >check.json
# The check covers every symbol the three define, musl's and the runtime's too.
for isa in x86_64 aarch64 ppc64le; do
  llvm-nm-19 --defined-only "hello.$isa" | awk '{print $3}' | sort -u >"names.$isa"
done
comm -12 names.x86_64 names.aarch64 | comm -12 - names.ppc64le >names.shared
grep -qx printf names.shared && grep -qx __xisa_park_area names.shared ||
  fail "musl's printf or the runtime's __xisa_park_area is not in all three executables"
python3 - check.json "$(wc -l <names.shared)" <<'PY' || fail "--json report is wrong: $(cat check.json)"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["shared_symbols"] == int(sys.argv[2]), (r["shared_symbols"], sys.argv[2])
assert len(r["executables"]) == 3
assert r["aligned"] == (not r["differences"])
PY
# TLS: one segment address and size on every ISA.
for isa in x86_64 aarch64 ppc64le; do
  llvm-readelf-19 -lW "hello.$isa" | awk '$1 == "TLS" {print $3, $5, $6, $7}' >"tls.$isa"
done
[ -s tls.x86_64 ] || fail "hello.x86_64 has no PT_TLS"
cmp -s tls.x86_64 tls.aarch64 && cmp -s tls.x86_64 tls.ppc64le ||
  fail "PT_TLS differs: $(cat tls.x86_64) / $(cat tls.aarch64) / $(cat tls.ppc64le)"

# A pointer to a string literal holds one value on every ISA (the literals'
# pools are laid out like any section, not merged per ISA).
pointer_value() { # EXE SYMBOL: the 8 bytes at SYMBOL in .data, as hex
  local addr
  addr="$(llvm-nm-19 "$1" | awk -v s="$2" '$3 == s {print $1}')"
  llvm-readelf-19 -x .data "$1" | python3 -c '
import sys
want = int(sys.argv[1], 16)
data = {}
for line in sys.stdin:
    parts = line.split()
    if not parts or not parts[0].startswith("0x"):
        continue
    base = int(parts[0], 16)
    raw = bytes.fromhex("".join(parts[1:5]))
    for i, b in enumerate(raw):
        data[base + i] = b
print(bytes(data[want + i] for i in range(8))[::-1].hex())' "$addr"
}
p86="$(pointer_value hello.x86_64 greeting)"
[ -n "$p86" ] || fail "cannot read greeting in hello.x86_64"
for isa in aarch64 ppc64le; do
  p="$(pointer_value "hello.$isa" greeting)"
  [ "$p" = "$p86" ] || fail "greeting points to $p on $isa, $p86 on x86_64"
done

# .xisa.info: one build id for the three, each its own ISA, the TLS segment.
for isa in x86_64 aarch64 ppc64le; do
  llvm-objcopy-19 --dump-section ".xisa.info=info.$isa" "hello.$isa" info.out ||
    fail "hello.$isa has no .xisa.info"
done
python3 - info.x86_64 info.aarch64 info.ppc64le <<'PY' || fail ".xisa.info fields are wrong"
import struct, sys
ids = set()
for want_isa, path in enumerate(sys.argv[1:]):
    b = open(path, "rb").read()
    magic, version, isa = struct.unpack_from("<8sII", b, 0)
    tls_address, tls_file, tls_mem, tls_align = struct.unpack_from("<QQQQ", b, 32)
    assert magic == b"XISAINF1" and version == 1, (magic, version)
    assert isa == want_isa, (path, isa)
    assert tls_address != 0 and tls_mem >= tls_file > 0, (tls_address, tls_file, tls_mem)
    ids.add(b[16:32])
assert len(ids) == 1, "build ids differ"
PY

# Two different programs under one name must fail the check, naming symbols.
printf 'int pad[100] = {1};\nint main(void) { return pad[0]; }\n' >other.c
"$xisa_cc" -o other other.c 2>/dev/null || fail "xisa-cc other.c failed"
cp other.aarch64 hello.aarch64
if "$xisa" layout check hello >bad.txt; then
  fail "layout check passed on mismatched executables"
fi
grep -q "aarch64=0x" bad.txt || fail "mismatch report lists no symbol addresses: $(head -5 bad.txt)"
"$xisa" layout check nosuchprog >/dev/null 2>err.txt && fail "check of a missing program passed"
grep -q "nosuchprog" err.txt || fail "missing-program error does not name it"
finish
