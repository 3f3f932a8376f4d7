// Transformation time of real checkpoints against stack depth. Each DIR is
// a checkpoint written by `xisa checkpoint` (run.py parks programs/recurse.c
// at a chosen depth and names the directory after it). Each iteration
// transforms a fresh copy of the image set (copied with the timer paused)
// from its ISA to one other ISA: one direction at a time, so a direction
// that fails does not hide the others (bench/transformer's synthetic stacks
// hop back and forth instead). LoadProgram times reading one executable's
// metadata and ELF facts, the other cost a migration's transform step pays.
// Usage: checkpoint_transform_bench [--benchmark_* flags] DIR...
#include "images/image_set.h"
#include "transform/image_transform.h"
#include "transform/program.h"

#include <benchmark/benchmark.h>
#include <cstdio>
#include <filesystem>
#include <fmt/format.h>
#include <map>

using namespace xisa;

namespace {

// Each executable is loaded once; std::map keeps references stable for the
// benchmarks that hold them.
std::map<std::string, transform::Program> programs;

const transform::Program &program(const std::string &path) {
  auto it = programs.find(path);
  if (it == programs.end())
    it = programs.emplace(path, transform::load_program(path)).first;
  return it->second;
}

void transform_once(benchmark::State &state, const images::ImageSet &set,
                    const transform::Program &src, const transform::Program &dst) {
  images::ImageSet work;
  size_t frames = 0;
  for (auto _ : state) {
    state.PauseTiming();
    work = set;
    state.ResumeTiming();
    try {
      frames = transform::transform_image_set(work, src, dst).threads.front().frames;
    } catch (const std::exception &e) {
      state.SkipWithError(e.what());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["frames"] = double(frames);
}

void load(benchmark::State &state, const std::string &path) {
  for (auto _ : state)
    benchmark::DoNotOptimize(transform::load_program(path));
}

void register_checkpoint(const std::string &dir) {
  images::ImageSet set = images::read_image_set(dir);
  std::string src_path = transform::image_executable(set);
  const transform::Program &src = program(src_path);
  std::string label = std::filesystem::path(dir).filename().string();
  for (Isa isa : kAllIsas) {
    if (isa == src.isa())
      continue;
    const transform::Program &dst = program(transform::executable_for(src_path, isa));
    std::string title = fmt::format("{}/{}->{}", label, name(src.isa()), name(isa));
    benchmark::RegisterBenchmark(title.c_str(), [set, &src, &dst](benchmark::State &state) {
      transform_once(state, set, src, dst);
    })->Unit(benchmark::kMicrosecond);
  }
}

} // namespace

int main(int argc, char **argv) {
  benchmark::Initialize(&argc, argv);
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s [--benchmark_* flags] CHECKPOINT_DIR...\n", argv[0]);
    return 2;
  }
  try {
    for (int i = 1; i < argc; i++)
      register_checkpoint(argv[i]);
  } catch (const std::exception &e) {
    std::fprintf(stderr, "checkpoint_transform_bench: %s\n", e.what());
    return 1;
  }
  for (const auto &[path, prog] : programs)
    benchmark::RegisterBenchmark(fmt::format("LoadProgram/{}", name(prog.isa())).c_str(),
                                 [path = path](benchmark::State &state) { load(state, path); })
        ->Unit(benchmark::kMillisecond);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
