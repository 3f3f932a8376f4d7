// Holds a pre-started CRIU back until the image set is complete.
//
// The destination starts `criu lazy-pages` and `runc restore` while the
// source container still runs, so that runc's and CRIU's start-up (process
// start, kernel probing, runc's CRIU version checks) is paid before the
// freeze, not inside the downtime. Our CRIU patch
// (scripts/criu-patches/0003-wall-clock-and-images-gate.patch) makes restore
// and lazy-pages read one byte from the FIFO named by CRIU_IMAGES_GATE before
// they read any image; open() writes that byte. Closing the gate without it
// (the destructor) makes a waiting CRIU give up.
#pragma once
#include "migrate/child.h"

#include <string>

namespace xisa::migrate {

class ImagesGate {
public:
  // Creates the FIFO at path and holds it open (read-write, so neither side
  // blocks in open and a byte written stays until CRIU reads it).
  explicit ImagesGate(std::string path);
  ImagesGate(const ImagesGate &) = delete;
  ImagesGate &operator=(const ImagesGate &) = delete;
  ~ImagesGate();

  // "CRIU_IMAGES_GATE=<path>", for the environment of the CRIU it gates.
  std::string env() const;
  // Waits up to timeout_ms until the CRIU that child is or started (runc's
  // CRIU is its child) waits at the gate, so that its start-up is over
  // before the source freezes. False if child ended or the time ran out.
  bool wait_until_reached(Child &child, int timeout_ms) const;
  // The image set is complete: lets CRIU go on.
  void open();

private:
  std::string path_;
  int fd_ = -1;
};

} // namespace xisa::migrate
