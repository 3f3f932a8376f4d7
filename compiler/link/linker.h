// The link step of xisa-cc: one static executable per ISA from the same
// inputs, then (layout.h) every symbol moved to one address on all ISAs.
#pragma once
#include "link/toolchain.h"

#include <string>
#include <vector>

namespace xisa::link {

struct LinkInput {
  enum class Kind { Object, Archive, Library /* -lname */ };
  Kind kind;
  std::string path; // Library: the name
};

struct LinkRequest {
  std::vector<LinkInput> inputs;         // command-line order
  std::vector<std::string> lib_dirs;     // -L
  std::vector<std::string> linker_flags; // -Wl,...
  std::vector<Isa> targets;
  std::string output;                    // writes output.<isa> and output
  bool start_files = true;
  bool default_libs = true;
  bool verbose = false;
};

// Links `request.output`.<isa> for every target and `request.output` (a hard
// link to the host ISA's executable, or the first target's).
void link_executables(const Toolchain &tc, const LinkRequest &request);

} // namespace xisa::link
