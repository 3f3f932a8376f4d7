// A directory tree sent as files inside one agent request: the CRIU image
// set and the container bundle travel this way, so the destination gets
// plain files it could hand to a transformer before restoring (the seam for
// hosts of different ISAs, docs/container-migration.md).
//
// The manifest (JSON array, in the request) lists every entry with its path
// relative to the set's root: {"path", "size", "mode"} for a file,
// {"path", "dir": true, "mode"} for a directory, {"path", "link": target} for
// a symlink. The files' bytes follow the request, in manifest order.
#pragma once
#include "protocol/protocol.h"

#include <string>
#include <vector>

namespace xisa::migrate {

struct FileSet {
  proto::json manifest = proto::json::array();
  std::vector<std::string> sources; // local path of each manifest entry
  uint64_t total_bytes = 0;         // file contents, in manifest order
};

// Adds the tree at dir under the name prefix (e.g. "images").
void add_tree(FileSet &set, const std::string &dir, const std::string &prefix);

// Sends request with the manifest as "files" and the bytes after it.
void send_file_set(proto::Connection &conn, proto::json request, const FileSet &set);

// Reads the bytes announced by a request carrying a manifest into root,
// checking every path stays inside root.
void receive_file_set(proto::Connection &conn, const proto::json &manifest, const std::string &root);

} // namespace xisa::migrate
