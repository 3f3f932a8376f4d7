// The agent wire protocol (docs/design.md, "Agent protocol"), shared by the
// agent, the `xisa container` client commands and container migration.
//
// TCP, one request per connection. A message is one JSON object on one line;
// if it has "bytes": N, exactly N raw bytes follow the newline. The client
// sends one request {"token": ..., "op": ..., ...} (migrate_in alone sends a
// second message later: migrate/migration.h); the agent answers with
// zero or more {"event": "progress", ...} and one final {"ok": true, ...} or
// {"ok": false, "error": "..."}.
//
// Client side, the short way:
//   auto reply = xisa::proto::call(endpoint, token, {{"op", "list"}});
// Streaming large payloads: open_request() + Connection::send_from_fd /
// receive_to_fd + wait_reply().
// Server side: Listener::accept(), Connection::read_message(), then
// send_progress / send_ok / send_error.
#pragma once
#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace xisa::proto {

using json = nlohmann::json;

// A JSON line longer than this is refused: a peer cannot make us buffer
// without bound before we have checked its token.
inline constexpr size_t kMaxLineBytes = 1 << 20;

struct Endpoint {
  std::string host; // numeric IPv4/IPv6 address or a resolvable name
  uint16_t port = 0;
  std::string text() const; // "host:port" ("[v6]:port")
};

// "HOST:PORT" or "[V6]:PORT".
Endpoint parse_endpoint(std::string_view text);

// The first line of the file, whitespace trimmed; errors if the file cannot
// be read or holds no token.
std::string read_token_file(const std::string &path);

// Compares in time that depends only on the lengths, not on where the
// strings differ.
bool token_equal(std::string_view expected, std::string_view given);

// One connected socket with the framing on top. Owns the fd.
class Connection {
public:
  explicit Connection(int fd, std::string peer = {});
  Connection(Connection &&other) noexcept;
  Connection &operator=(Connection &&other) noexcept;
  Connection(const Connection &) = delete;
  Connection &operator=(const Connection &) = delete;
  ~Connection();

  int fd() const { return fd_; }
  const std::string &peer() const { return peer_; }

  // Reads one JSON object line. Throws xisa::Error on EOF, an over-long line
  // or malformed JSON. The raw bytes it announces are NOT consumed: read them
  // with read_bytes or receive_to_fd.
  json read_message();
  std::string read_bytes(uint64_t count);
  void receive_to_fd(int out_fd, uint64_t count);

  // Writes msg as one line; with bytes, sets "bytes" and appends them.
  void write_message(json msg, std::string_view bytes = {});
  // Writes msg with "bytes": count, then count bytes read from in_fd.
  void write_message_from_fd(json msg, int in_fd, uint64_t count);

  // Bounds how long one read may wait (0: for ever).
  void set_read_timeout(unsigned seconds);

private:
  void write_all(const void *data, size_t size);
  size_t fill(); // reads more into buffer_, returns how many bytes came

  int fd_ = -1;
  std::string peer_;
  std::string buffer_; // bytes read past the last consumed message
};

Connection connect_to(const Endpoint &endpoint);

// Listens on a TCP endpoint (port 0: any free port).
class Listener {
public:
  explicit Listener(const Endpoint &endpoint);
  Listener(const Listener &) = delete;
  Listener &operator=(const Listener &) = delete;
  ~Listener();
  Connection accept();
  uint16_t port() const { return port_; }
  int fd() const { return fd_; }

private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

// Server replies.
void send_progress(Connection &conn, json fields);
void send_ok(Connection &conn, json fields = json::object(), std::string_view bytes = {});
void send_error(Connection &conn, std::string_view error);

// Client side.
struct Reply {
  json body;         // the final {"ok": true, ...} message
  std::string bytes; // raw bytes the reply announced, if any
};
using ProgressFn = std::function<void(const json &event)>;

// Connects and sends request (with token added) plus optional raw bytes.
Connection open_request(const Endpoint &endpoint, std::string_view token, json request,
                        std::string_view bytes = {});
// Reads progress events (passed to on_progress) up to the final message.
// Throws xisa::Error "agent at HOST:PORT: <error>" when it says ok: false.
Reply wait_reply(Connection &conn, const ProgressFn &on_progress = {});
// open_request + wait_reply.
Reply call(const Endpoint &endpoint, std::string_view token, json request,
           std::string_view bytes = {}, const ProgressFn &on_progress = {});

} // namespace xisa::proto
