#!/usr/bin/env bash
# Frame pointers: the transformer walks their chain from a parked thread's
# migration point, so every function with calls keeps one on x86_64 and
# aarch64; a function without calls is never on that chain and sets none up
# (clang's default on aarch64; on x86_64 it took rbp from such functions).
. "$(dirname "$0")/lib.sh" "$@"
cd "$work"
"$xisa_cc" -O2 -o leaf "$here/programs/leaf_frames.c" || fail "xisa-cc -O2 -o leaf failed"
expect_runs leaf "40"

# disasm ISA SYMBOL: the function's instructions in the ISA's executable.
disasm() { llvm-objdump-19 -d --no-show-raw-insn --disassemble-symbols="$2" "leaf.$1"; }
declare -A sets_fp=([x86_64]='movq[[:space:]]+%rsp, %rbp' [aarch64]='(mov|add)[[:space:]]+x29, sp')
for isa in x86_64 aarch64; do
  caller="$(disasm "$isa" caller)" leaf="$(disasm "$isa" leaf)"
  grep -Eq "${sets_fp[$isa]}" <<<"$caller" || fail "caller sets up no frame pointer on $isa"
  ! grep -Eq "${sets_fp[$isa]}" <<<"$leaf" || fail "leaf sets up a frame pointer on $isa"
  grep -Eq '^ *[0-9a-f]+:' <<<"$leaf" || fail "leaf.$isa has no function leaf"
done
finish
