#include "link/staging.h"

#include "link/fat_object.h"
#include "support/error.h"

#include <filesystem>
#include <llvm/Object/Archive.h>
#include <llvm/Support/MemoryBuffer.h>

namespace fs = std::filesystem;

namespace xisa::link {

namespace {

struct Stager {
  const LinkRequest &request;
  const TempDir &tmp;
  StagedLink out;
  int counter = 0;

  void add(Isa isa, const std::string &path, const std::string &logical) {
    out.args[isa].push_back(path);
    out.logical_name[path] = logical;
  }

  // A file of xisa-cc output: the host ISA links the file itself (the
  // linker drops the SHF_EXCLUDE carrier sections), the others an unpacked copy.
  void add_fat(const std::string &path, bool archive) {
    std::string logical = std::to_string(counter++) + "-" + fs::path(path).filename().string();
    for (Isa isa : request.targets) {
      if (isa == host_isa()) {
        add(isa, path, logical);
        continue;
      }
      std::string copy = tmp.file(std::string(name(isa)) + "/" + logical);
      if (archive)
        unpack_archive(path, isa, copy);
      else
        unpack_object(path, isa, copy);
      add(isa, copy, logical);
    }
  }

  void add_library(const std::string &lib) {
    std::string file = "lib" + lib + ".a";
    for (const std::string &dir : request.lib_dirs) {
      std::string path = dir + "/" + file;
      if (!fs::exists(path))
        continue;
      if (!is_fat_archive(path))
        fail("-l{}: {} is a host-only archive (not built by xisa-cc); build the library "
             "with CC=xisa-cc",
             lib, path);
      add_fat(path, true);
      return;
    }
    for (Isa isa : request.targets) {
      std::string path = Toolchain::musl_lib(isa) + "/" + file;
      if (!fs::exists(path))
        fail("cannot find -l{}: no {} in the -L directories or in {} (static libraries "
             "only)",
             lib, file, Toolchain::musl_lib(isa));
      add(isa, path, file);
    }
  }

  void add_system(const std::string &file_name, std::string (*dir)(Isa)) {
    for (Isa isa : request.targets)
      add(isa, dir(isa) + "/" + file_name, file_name);
  }
};

bool archive_defines(const std::string &path, llvm::StringRef symbol) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return false;
  auto archive = llvm::object::Archive::create((*buffer)->getMemBufferRef());
  if (!archive) {
    llvm::consumeError(archive.takeError());
    return false;
  }
  for (const llvm::object::Archive::Symbol &sym : (*archive)->symbols())
    if (sym.getName() == symbol)
      return true;
  return false;
}

} // namespace

StagedLink stage_inputs(const Toolchain &tc, const LinkRequest &request, const TempDir &tmp) {
  Stager s{request, tmp, {}};
  if (request.start_files) {
    s.add_system("crt1.o", Toolchain::musl_lib);
    s.add_system("crti.o", Toolchain::musl_lib);
  }
  for (const LinkInput &input : request.inputs) {
    switch (input.kind) {
    case LinkInput::Kind::Object:
      s.add_fat(input.path, false);
      break;
    case LinkInput::Kind::Archive:
      if (!is_fat_archive(input.path))
        fail("{} is a host-only archive (not built by xisa-cc); build it with CC=xisa-cc",
             input.path);
      s.add_fat(input.path, true);
      break;
    case LinkInput::Kind::Library:
      s.add_library(input.path);
      break;
    }
  }
  if (request.default_libs) {
    bool wraps = true;
    for (Isa isa : request.targets) {
      std::optional<std::string> rt = tc.runtime(isa);
      if (!rt) {
        wraps = false;
        continue;
      }
      s.add(isa, *rt, "libxisa_rt.a");
      wraps = wraps && archive_defines(*rt, "__wrap_pthread_create");
    }
    s.out.runtime_wraps = wraps;
    for (Isa isa : request.targets) {
      s.out.args[isa].push_back("--start-group");
      s.add(isa, Toolchain::musl_lib(isa) + "/libc.a", "libc.a");
      s.add(isa, Toolchain::libgcc(isa), "libgcc.a");
      s.out.args[isa].push_back("--end-group");
    }
  }
  if (request.start_files)
    s.add_system("crtn.o", Toolchain::musl_lib);
  return s.out;
}

} // namespace xisa::link
