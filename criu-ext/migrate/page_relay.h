// The source agent's relay between the destination's `criu lazy-pages` and
// the source's CRIU page server (post-copy).
//
// Why a relay and not a direct connection: how the page-server connection
// ends decides what CRIU does with the frozen source. A clean end (EOF after
// the lazy daemon's close request) makes CRIU kill the source tasks; a
// malformed request makes it fail the transfer and resume them. The lazy
// daemon may close cleanly even when the destination's restore failed, so
// letting it talk to CRIU directly could end the only copy of the container.
// The relay forwards requests but keeps the ending for the agent to decide:
//   commit(): the destination runs the container; tell CRIU (our patch 0007:
//             the source tasks then die with CRIU and are never resumed)
//             and end cleanly (source dies),
//   abort():  it will not run; send CRIU an invalid request (source resumes).
// Requests from the lazy daemon are fixed 24-byte headers (CRIU's
// page_server_iov), so the relay forwards whole headers only and an abort
// never lands inside one. If the agent dies before commit, the connection
// to CRIU is reset (zero linger), which CRIU also takes as a failure, so the
// source resumes; after commit a dying agent closes it cleanly, which ends
// the source. It also counts the bytes on the wire.
#pragma once
#include "protocol/protocol.h"

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

namespace xisa::migrate {

class PageRelay {
public:
  // Listens on host (port 0: any free port). A rate (bytes per second to
  // the destination, 0: unlimited) is for tests that need a long post-copy.
  explicit PageRelay(const std::string &host, uint64_t rate = 0);
  PageRelay(const PageRelay &) = delete;
  PageRelay &operator=(const PageRelay &) = delete;
  ~PageRelay(); // aborts unless committed, then waits for the relay to end

  uint16_t port() const { return listener_.port(); }
  // Starts relaying to CRIU's page server, which must be listening already.
  void start(const proto::Endpoint &criu_server);
  // Returns once the commit request is on its way to CRIU (or the relay
  // has ended).
  void commit();
  void abort();
  // Waits until both connections are closed.
  void join();

  uint64_t bytes_to_destination() const { return to_destination_; }
  uint64_t bytes_from_destination() const { return from_destination_; }
  bool destination_connected() const { return connected_; }

private:
  enum class Decision { None, Commit, Abort };
  void decide(Decision decision);
  void run(proto::Endpoint criu_server);

  proto::Listener listener_;
  int wake_[2] = {-1, -1}; // self-pipe: a decision wakes the relay's poll
  std::atomic<Decision> decision_{Decision::None};
  std::atomic<uint64_t> to_destination_{0}, from_destination_{0};
  std::atomic<bool> connected_{false};
  std::atomic<bool> commit_sent_{false}; // or the relay ended
  uint64_t rate_;
  std::thread thread_;
};

} // namespace xisa::migrate
