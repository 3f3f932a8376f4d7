// Request and reply messages on top of the framing.
#include "protocol/protocol.h"
#include "support/error.h"

namespace xisa::proto {

void send_progress(Connection &conn, json fields) {
  fields["event"] = "progress";
  conn.write_message(std::move(fields));
}

void send_ok(Connection &conn, json fields, std::string_view bytes) {
  fields["ok"] = true;
  conn.write_message(std::move(fields), bytes);
}

void send_error(Connection &conn, std::string_view error) {
  conn.write_message({{"ok", false}, {"error", error}});
}

Connection open_request(const Endpoint &endpoint, std::string_view token, json request,
                        std::string_view bytes) {
  Connection conn = connect_to(endpoint);
  request["token"] = token;
  conn.write_message(std::move(request), bytes);
  return conn;
}

Reply wait_reply(Connection &conn, const ProgressFn &on_progress) {
  for (;;) {
    json msg = conn.read_message();
    if (msg.contains("event")) {
      if (on_progress)
        on_progress(msg);
      continue;
    }
    if (!msg.contains("ok") || !msg["ok"].is_boolean())
      fail("agent at {} sent a reply without \"ok\" or \"event\": {}", conn.peer(), msg.dump());
    if (!msg["ok"].get<bool>())
      fail("agent at {}: {}", conn.peer(), msg.value("error", std::string("unknown error")));
    Reply reply;
    if (msg.contains("bytes"))
      reply.bytes = conn.read_bytes(msg["bytes"].get<uint64_t>());
    reply.body = std::move(msg);
    return reply;
  }
}

Reply call(const Endpoint &endpoint, std::string_view token, json request,
           std::string_view bytes, const ProgressFn &on_progress) {
  Connection conn = open_request(endpoint, token, std::move(request), bytes);
  return wait_reply(conn, on_progress);
}

} // namespace xisa::proto
