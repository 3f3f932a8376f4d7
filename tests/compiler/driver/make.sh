#!/usr/bin/env bash
# CC=xisa-cc make: objects, an `ar` archive of xisa-cc objects, -MMD -MP
# dependency files that name the right target, a rebuild after a header edit.
. "$(dirname "$0")/lib.sh" "$@"
cp -r "$here/projects/make" "$work/p"
cd "$work/p"
make -s CC="$xisa_cc" AR=ar >make.log 2>&1 || { fail "make failed:"; cat make.log; }
expect_runs prog "sides=4 area=42"
grep -q '^main.o:.*shape.h' main.d || fail "main.d does not list shape.h for main.o: $(cat main.d)"
grep -q '^shape.h:' main.d || fail "-MP gave no phony target for shape.h"
ar t libshape.a | grep -qx shape.o || fail "libshape.a does not hold shape.o"
llvm-readelf-19 -S shape.o | grep -q '.xisa.obj.ppc64le' || fail "shape.o carries no ppc64le object"
sed -i 's/SIDES 4/SIDES 5/' shape.h
make -s CC="$xisa_cc" AR=ar >make2.log 2>&1 || { fail "rebuild failed:"; cat make2.log; }
expect_runs prog "sides=5 area=42"
finish
