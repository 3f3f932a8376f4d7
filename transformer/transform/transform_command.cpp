// xisa transform --to ISA IN_DIR OUT_DIR: rewrites the CRIU image set of a
// process parked by the xisa runtime so it restores on another ISA.
#include "transform/transform_command.h"

#include "images/image_set.h"
#include "support/error.h"
#include "transform/image_transform.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <set>

namespace xisa::cli {

namespace fs = std::filesystem;
using namespace xisa::transform;

namespace {

struct Options {
  std::string to;
  std::string in_dir, out_dir;
  std::string from_exe, to_exe;
  bool json = false;
};

void progress(const Options &opts, const std::string &text) {
  if (!opts.json)
    std::fprintf(stderr, "xisa transform: %s\n", text.c_str());
}

// Files of IN_DIR that the image model does not cover (other CRIU images)
// go to OUT_DIR unchanged.
void copy_other_images(const fs::path &in, const fs::path &out,
                       const std::vector<std::string> &modelled) {
  std::error_code ec;
  if (fs::equivalent(in, out, ec))
    return;
  std::set<std::string> skip(modelled.begin(), modelled.end());
  for (const fs::directory_entry &entry : fs::directory_iterator(in)) {
    std::string file = entry.path().filename().string();
    if (!entry.is_regular_file() || skip.count(file))
      continue;
    fs::copy_file(entry.path(), out / file, fs::copy_options::overwrite_existing, ec);
    if (ec)
      fail("cannot copy {} to {}: {}", entry.path().string(), out.string(), ec.message());
  }
}

void run(const Options &opts) {
  auto start = std::chrono::steady_clock::now();
  std::optional<Isa> to = parse_isa(opts.to);
  if (!to)
    fail("unknown ISA '{}' for --to (use one of {})", opts.to, isa_names());
  progress(opts, "reading images from " + opts.in_dir);
  images::ImageSet set = images::read_image_set(opts.in_dir);
  std::vector<std::string> in_files = images::image_file_names(set);

  std::string src_path = opts.from_exe.empty() ? image_executable(set) : opts.from_exe;
  std::string dst_path = opts.to_exe.empty() ? executable_for(src_path, *to) : opts.to_exe;
  dst_path = fs::absolute(dst_path).string();
  progress(opts, "reading metadata of " + src_path + " and " + dst_path);
  Program src = load_program(src_path);
  Program dst = load_program(dst_path);
  if (dst.isa() != *to)
    fail("{} is a {} executable, not {}", dst_path, name(dst.isa()), name(*to));

  progress(opts, fmt::format("transforming {} thread(s) from {} to {}",
                             set.processes.front().threads.size(), name(src.isa()), name(*to)));
  Report report = transform_image_set(set, src, dst);

  fs::create_directories(opts.out_dir);
  copy_other_images(opts.in_dir, opts.out_dir, in_files);
  images::write_image_set(set, opts.out_dir);
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                  .count();

  if (opts.json) {
    nlohmann::json threads = nlohmann::json::array();
    for (const ThreadReport &t : report.threads)
      threads.push_back({{"tid", t.tid},
                         {"frames", t.frames},
                         {"src_pc", t.src_pc},
                         {"dst_pc", t.dst_pc},
                         {"src_tp", t.src_tp},
                         {"dst_tp", t.dst_tp}});
    nlohmann::json out = {{"ok", true},
                          {"from", name(src.isa())},
                          {"to", name(*to)},
                          {"source_executable", src.path()},
                          {"destination_executable", dst.path()},
                          {"out_dir", opts.out_dir},
                          {"threads", threads},
                          {"exe_pages_dropped", report.exe_pages_dropped},
                          {"milliseconds", ms}};
    std::printf("%s\n", out.dump().c_str());
    return;
  }
  for (const ThreadReport &t : report.threads)
    std::printf("thread %u: %zu frames, pc %#lx -> %#lx, tp %#lx -> %#lx\n", t.tid, t.frames,
                (unsigned long)t.src_pc, (unsigned long)t.dst_pc, (unsigned long)t.src_tp,
                (unsigned long)t.dst_tp);
  std::printf("wrote %s images to %s in %.1f ms\n", std::string(name(*to)).c_str(),
              opts.out_dir.c_str(), ms);
}

} // namespace

void add_transform_command(CLI::App &app) {
  auto opts = std::make_shared<Options>();
  CLI::App *cmd = app.add_subcommand(
      "transform", "Rewrite the CRIU images of a process parked by the xisa runtime for another ISA");
  cmd->add_option("--to", opts->to, "destination ISA (x86_64, aarch64, ppc64le)")->required();
  cmd->add_option("in_dir", opts->in_dir, "image directory to read")->required();
  cmd->add_option("out_dir", opts->out_dir, "image directory to write (may be in_dir)")->required();
  cmd->add_option("--from-exe", opts->from_exe,
                  "source executable (default: the one the images name)");
  cmd->add_option("--to-exe", opts->to_exe,
                  "destination executable (default: the source's path with the .<isa> suffix)");
  cmd->add_flag("--json", opts->json, "print the result as JSON");
  cmd->callback([opts] {
    try {
      run(*opts);
    } catch (const fs::filesystem_error &e) {
      fail("{}", e.what());
    }
  });
}

} // namespace xisa::cli
