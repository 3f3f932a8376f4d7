// Time to transform one parked thread's image set between ISAs, against
// stack depth. Each iteration hops the same set one ISA on (x86_64 ->
// aarch64 -> ppc64le -> x86_64 ...), so every transform is a real one and
// the memory never needs resetting.
#include "synthetic_stack.h"
#include "transform/image_transform.h"

#include <benchmark/benchmark.h>

using namespace xisa;

namespace {

void hop(benchmark::State &state, std::vector<Isa> cycle) {
  size_t depth = state.range(0);
  images::ImageSet set = test::make_parked_set(cycle[0], depth);
  std::vector<transform::Program> programs;
  for (Isa isa : cycle)
    programs.push_back(test::make_program(isa));
  size_t at = 0;
  for (auto _ : state) {
    size_t next = (at + 1) % cycle.size();
    transform::Report report = transform::transform_image_set(set, programs[at], programs[next]);
    benchmark::DoNotOptimize(report);
    at = next;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["frames"] = double(depth);
}

void X86ToAarch64AndBack(benchmark::State &state) { hop(state, {Isa::X86_64, Isa::AArch64}); }
void X86ToPpc64leAndBack(benchmark::State &state) { hop(state, {Isa::X86_64, Isa::PPC64LE}); }
void AllThree(benchmark::State &state) {
  hop(state, {Isa::X86_64, Isa::AArch64, Isa::PPC64LE});
}

} // namespace

BENCHMARK(X86ToAarch64AndBack)->Arg(1)->Arg(16)->Arg(256)->Unit(benchmark::kMicrosecond);
BENCHMARK(X86ToPpc64leAndBack)->Arg(1)->Arg(16)->Arg(256)->Unit(benchmark::kMicrosecond);
BENCHMARK(AllThree)->Arg(1)->Arg(16)->Arg(256)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
