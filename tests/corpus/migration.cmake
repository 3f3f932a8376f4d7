# Every corpus program migrated by schedule (label: migration): the xisa-cc
# build made above starts on x86_64 and hops when its main thread has passed
# 20%, 50% and 80% of the migration points a whole run passes
# (tests/runtime/migrate-test.sh, scenario `scheduled`): once staying on
# x86_64, and twice round the three ISAs, in both orders, which between them
# take every one of the six directions. Two more routes start on a foreign
# ISA and go round the three ISAs twice, in both orders, at 1,2,3 and 97,98,99%:
# every direction once near the start (set-up loops) and once near the end
# (final loops and exit). Stdout and exit status must be the unmigrated run's.
set(migrate_test ${CMAKE_SOURCE_DIR}/tests/runtime/migrate-test.sh)
set(hop_percents_mid 20,50,80)
set(hop_percents_edges 1,2,3,97,98,99)
set(hop_route_same_isa mid x86_64 x86_64 x86_64 x86_64)
set(hop_route_aarch64_first mid x86_64 aarch64 ppc64le x86_64)
set(hop_route_ppc64le_first mid x86_64 ppc64le aarch64 x86_64)
set(hop_route_edges_from_ppc64le edges
    ppc64le aarch64 x86_64 ppc64le aarch64 x86_64 ppc64le)
set(hop_route_edges_from_aarch64 edges
    aarch64 ppc64le x86_64 aarch64 ppc64le x86_64 aarch64)

# Cross-ISA hops that fail today get the label known-failing (scripts/test.sh
# lists them and leaves them out of the verdict). Values the code generators
# keep across calls without a stackmap record (hoisted constants, loop
# counters and their shifts, ppc64 condition-register fields) are rebuilt
# from compiler/meta's known values by transformer/transform/frames.*. An
# entry names its first failing single hop and its cause. Same-ISA hops must
# all pass.
set(hops_known_failing)

foreach(source ${corpus_sources})
  get_filename_component(name ${source} NAME_WE)
  # Hops are placed by the x86_64 count: it must be every ISA's.
  add_test(NAME corpus.points.${name}
    COMMAND ${migrate_test} $<TARGET_FILE:xisa> ${xisa_dir} points ${source} ${XISA_ISAS})
  set_tests_properties(corpus.points.${name} PROPERTIES LABELS migration TIMEOUT 300)
  foreach(route same_isa aarch64_first ppc64le_first edges_from_ppc64le edges_from_aarch64)
    set(test corpus.hops.${name}.${route})
    list(GET hop_route_${route} 0 percents)
    list(SUBLIST hop_route_${route} 1 -1 isas)
    add_test(NAME ${test}
      COMMAND ${migrate_test} $<TARGET_FILE:xisa> ${xisa_dir} scheduled ${source}
              ${hop_percents_${percents}} ${isas})
    set(labels migration)
    if(${name}.${route} IN_LIST hops_known_failing)
      list(APPEND labels known-failing)
    endif()
    set_tests_properties(${test} PROPERTIES LABELS "${labels}" TIMEOUT 300)
  endforeach()
endforeach()

# Hops one after another inside matmul's set-up loop of A (points 2-61 of
# its 3841 with n = 60; 1% is point 38): on x86_64 the record of the loop's
# poll sits 73 bytes after the call (constants reloaded before it; 97 when
# A and B shared the loop), which the runtime once took for no call site, so
# it refused to park there and the next hop came due, and was dropped, while
# the first waited. Into aarch64 and ppc64le the loop reloads 16-byte
# constants it keeps across the call (splats of `fmov v.2d, #imm` and
# <0, 1>): dropping or exchanging their upper halves makes this test fail.
# The loop polls once a row: the three hops must park at its one call site.
add_test(NAME corpus.hops.matmul.init_loop
  COMMAND ${migrate_test} $<TARGET_FILE:xisa> ${xisa_dir} scheduled --one-site
          ${CMAKE_CURRENT_SOURCE_DIR}/programs/matmul.c 1,1,1 x86_64 aarch64 ppc64le x86_64)
set_tests_properties(corpus.hops.matmul.init_loop PROPERTIES LABELS migration TIMEOUT 300)

# Hops one after another at polls where 16-byte vectors are live, in loops
# the middle end vectorized and strip-mined (the poll between strips of
# 1,024 vector iterations), round the three ISAs both ways (all six
# directions); each ISA runs at least a strip with the vectors it was given
# before the next hop. --site-live names the site by the types of its live
# values (`xisa meta dump`; `^[^v]*v128=[^v]*$`: exactly one vector), so a
# hop at a neighbouring poll fails. bench/runtime/vector_sites.md lists the
# corpus's vector sites and which hop tests reach them.
# - matmul.multiply_loop: strips end inside a row only with more than 4,096
#   columns, so matmul runs with n = 2 and m = 28676. The multiply loop
#   polls 7 times a row (points 28-34, 36-42, 45-51, 53-59 of 89; 35% is
#   point 31) with aik (f64) and its splat (v128, a <2 x double>) live: on
#   x86_64 and aarch64 in a 16-byte stack slot, on ppc64le in v30, aik in
#   v31's first doubleword (the image's upper half), which aarch64 reloads
#   and multiplies by (`fmul v.2d, v.2d, v4.d[0]`). Fails if a vector's
#   upper half is lost (a splat has equal halves), or if ppc64le's aik is
#   read as the record's 8 bytes of the register (the lower half, 0).
# - matmul.init_b_loop: B's set-up loop polls 10 times a row (points 5-14,
#   16-25; 8% is point 7) with i*5 splatted and the column vector <j, j+1>
#   live. Fails if a vector's halves are exchanged: the alternating checksum
#   sees B's neighbours trade places.
# - bigarrays.fill_loop (points 278-415 of 1195, 25% is 298: <i, i+1> and
#   its product live) and bigarrays.recurrence_loop (points 416-547, 40% is
#   478: one vector, and aarch64 and ppc64le keep 16-byte constants).
# - heap.final_loop: the last 35 of 1193581 points, two vector sums live.
set(vector_route x86_64 aarch64 ppc64le x86_64)
set(vector_route_reverse x86_64 ppc64le aarch64 x86_64)
function(add_vector_site_hops name program args percent live)
  foreach(route "" _reverse)
    set(test corpus.hops.${name}${route})
    add_test(NAME ${test}
      COMMAND ${migrate_test} $<TARGET_FILE:xisa> ${xisa_dir} program --site-live ${live}
              ${xisa_dir}/${program} "${args}" ${percent},${percent},${percent}
              ${vector_route${route}})
    set(labels migration)
    if(${name}${route} IN_LIST hops_known_failing)
      list(APPEND labels known-failing)
    endif()
    set_tests_properties(${test} PROPERTIES LABELS "${labels}" TIMEOUT 300)
  endforeach()
endfunction()
add_vector_site_hops(matmul.multiply_loop matmul "2 28676" 35 "f64=.* v128=")
add_vector_site_hops(matmul.init_b_loop matmul "2 28676" 8 "v128=.* v128=")
add_vector_site_hops(bigarrays.fill_loop bigarrays "" 25 "v128=.* v128=")
add_vector_site_hops(bigarrays.recurrence_loop bigarrays "" 40 "^[^v]*v128=[^v]*$")
add_vector_site_hops(heap.final_loop heap "" 100 "v128=.* v128=")
