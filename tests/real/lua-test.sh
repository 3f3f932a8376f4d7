#!/usr/bin/env bash
# Lua 5.4.7, a real program, built with xisa-cc as a user would and checked
# against a plain musl build (tests/real/CMakeLists.txt).
# Usage: lua-test.sh STEP WORK ...
#   build WORK TARBALL XISA_CC MUSL_CLANG   unpack the source twice per
#       build: WORK/xisa (make CC=xisa-cc) and WORK/ref-<isa> (musl-clang.sh)
#   make-xisa DIR TARBALL XISA_CC           one of those builds, in DIR
#   make-plain DIR TARBALL MUSL_CLANG ISA   (bench/toolchain/run.py times them)
#   run WORK SCRIPT ISA                     lua.<isa> runs SCRIPT as the
#       plain musl build of that ISA does (stdout and exit status)
set -euo pipefail
step="$1" work="$2"
shift 2
die() { echo "FAIL: $*" >&2; exit 1; }

# make_lua DIR CC [make variables...]: Lua's own makefile, target lua.
make_lua() {
  local dir="$1" cc="$2"
  shift 2
  rm -rf "$dir" && mkdir -p "$dir"
  tar xzf "$tarball" -C "$dir" --strip-components=1
  make -C "$dir/src" -j2 CC="$cc -std=gnu99" SYSCFLAGS=-DLUA_USE_POSIX SYSLIBS=-lm "$@" lua \
    > "$dir/build.log" 2>&1 || { tail -30 "$dir/build.log" >&2; die "make in $dir failed"; }
}

# make_plain DIR MUSL_CLANG ISA: the reference build for one ISA.
make_plain() {
  # The archive holds foreign objects: LLVM's ar indexes any ISA's.
  make_lua "$1" "$2 $3" AR="llvm-ar-19 rcu" RANLIB=llvm-ranlib-19
}

need_tarball() {
  [ -f "$tarball" ] || die "no Lua source at $tarball: run scripts/setup.sh (scripts/setup-lua.sh)"
}

case "$step" in
build)
  tarball="$1" xisa_cc="$2" musl_clang="$3"
  need_tarball
  make_lua "$work/xisa" "$xisa_cc"
  for isa in x86_64 aarch64 ppc64le; do
    make_plain "$work/ref-$isa" "$musl_clang" "$isa"
  done
  ;;
make-xisa)
  tarball="$1"
  need_tarball
  make_lua "$work" "$2"
  ;;
make-plain)
  tarball="$1"
  need_tarball
  make_plain "$work" "$2" "$3"
  ;;
run)
  script="$1" isa="$2"
  runner=()
  [ "$isa" = "$(uname -m)" ] || runner=("qemu-$isa")
  set +e
  "${runner[@]}" "$work/ref-$isa/src/lua" "$script" > "$work/ref-$isa.out"
  ref_rc=$?
  "${runner[@]}" "$work/xisa/src/lua.$isa" "$script" > "$work/xisa-$isa.out"
  rc=$?
  set -e
  [ "$ref_rc" = 0 ] || die "the plain musl build exits with $ref_rc"
  cmp -s "$work/ref-$isa.out" "$work/xisa-$isa.out" ||
    { diff "$work/ref-$isa.out" "$work/xisa-$isa.out" | head -20 >&2; die "output differs from the plain musl build"; }
  [ "$rc" = 0 ] || die "exit status $rc"
  echo "PASS: lua.$isa printed $(wc -l < "$work/xisa-$isa.out") lines as the plain build"
  ;;
*)
  die "unknown step $step"
  ;;
esac
