#include "protocol/protocol.h"
#include "support/error.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <thread>

using namespace xisa::proto;

TEST(Protocol, ParsesEndpoints) {
  Endpoint v4 = parse_endpoint("10.1.2.3:7070");
  EXPECT_EQ(v4.host, "10.1.2.3");
  EXPECT_EQ(v4.port, 7070);
  Endpoint v6 = parse_endpoint("[::1]:80");
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.text(), "[::1]:80");
  EXPECT_THROW(parse_endpoint("nohost"), xisa::Error);
  EXPECT_THROW(parse_endpoint("h:99999"), xisa::Error);
  EXPECT_THROW(parse_endpoint("h:12x"), xisa::Error);
  EXPECT_THROW(parse_endpoint(":1"), xisa::Error);
}

TEST(Protocol, ComparesTokens) {
  EXPECT_TRUE(token_equal("secret", "secret"));
  EXPECT_FALSE(token_equal("secret", "secreT"));
  EXPECT_FALSE(token_equal("secret", "secret2"));
  EXPECT_FALSE(token_equal("secret", ""));
  EXPECT_FALSE(token_equal("", ""));
}

static std::pair<Connection, Connection> socket_pair() {
  int fds[2];
  EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  return {Connection(fds[0], "a"), Connection(fds[1], "b")};
}

TEST(Protocol, MessagesCarryRawBytes) {
  auto [a, b] = socket_pair();
  std::string payload("x\ny\0z", 5);
  a.write_message({{"op", "put"}}, payload);
  a.write_message({{"op", "next"}});
  json first = b.read_message();
  EXPECT_EQ(first["op"], "put");
  ASSERT_EQ(first["bytes"], 5);
  EXPECT_EQ(b.read_bytes(5), payload);
  EXPECT_EQ(b.read_message()["op"], "next");
}

TEST(Protocol, RejectsMalformedAndTruncatedMessages) {
  {
    auto [a, b] = socket_pair();
    a.write_message({{"k", 1}});
    std::string junk = "not json\n";
    ::send(a.fd(), junk.data(), junk.size(), 0);
    EXPECT_EQ(b.read_message()["k"], 1);
    EXPECT_THROW(b.read_message(), xisa::Error);
  }
  {
    auto [a, b] = socket_pair();
    a.write_message({{"k", 1}}, "abc");
    { Connection closer = std::move(a); }
    b.read_message();
    EXPECT_THROW(b.read_bytes(10), xisa::Error);
  }
}

TEST(Protocol, ClientSeesProgressThenReplyOverTcp) {
  Listener listener(parse_endpoint("127.0.0.1:0"));
  std::thread server([&] {
    Connection conn = listener.accept();
    json req = conn.read_message();
    std::string body = conn.read_bytes(req["bytes"].get<uint64_t>());
    if (req["token"] != "t0k") {
      send_error(conn, "unauthorized");
      return;
    }
    send_progress(conn, {{"step", 1}});
    send_ok(conn, {{"echo", body}}, "raw");
  });
  std::vector<json> events;
  Reply reply = call({"127.0.0.1", listener.port()}, "t0k", {{"op", "echo"}}, "hello",
                     [&](const json &e) { events.push_back(e); });
  server.join();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["step"], 1);
  EXPECT_EQ(reply.body["echo"], "hello");
  EXPECT_EQ(reply.bytes, "raw");

  std::thread refuser([&] {
    Connection conn = listener.accept();
    conn.read_message();
    send_error(conn, "unauthorized");
  });
  try {
    call({"127.0.0.1", listener.port()}, "bad", {{"op", "x"}});
    ADD_FAILURE() << "expected an error";
  } catch (const xisa::Error &e) {
    EXPECT_NE(std::string(e.what()).find("unauthorized"), std::string::npos);
  }
  refuser.join();
}
