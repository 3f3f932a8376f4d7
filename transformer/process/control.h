// The supervisor's control socket (docs/design.md, "Process handle"): one
// JSON request line per connection, answered by progress lines and one
// final {"ok": ...} line.
#pragma once
#include "process/fd_io.h"

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <sys/types.h>

namespace xisa::process {

// $XDG_RUNTIME_DIR/xisa/<pid>.sock, else /tmp/xisa-<uid>/<pid>.sock.
std::filesystem::path control_socket_path(pid_t supervisor);
UniqueFd listen_control(const std::filesystem::path &path);

// Sends one request to the supervisor with that pid; calls on_progress for
// each progress line and returns the final reply (ok or not).
nlohmann::json control_request(pid_t supervisor, const nlohmann::json &request,
                               const std::function<void(const nlohmann::json &)> &on_progress);

// A handle on the command line: the supervisor's pid.
pid_t parse_handle(const std::string &text);

} // namespace xisa::process
