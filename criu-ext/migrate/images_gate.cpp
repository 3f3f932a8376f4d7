#include "migrate/images_gate.h"
#include "support/error.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace xisa::migrate {

ImagesGate::ImagesGate(std::string path) : path_(std::move(path)) {
  ::unlink(path_.c_str());
  if (::mkfifo(path_.c_str(), 0600) != 0)
    fail("cannot create the images gate {}: {}", path_, errno_text(errno));
  fd_ = ::open(path_.c_str(), O_RDWR | O_CLOEXEC);
  if (fd_ < 0)
    fail("cannot open the images gate {}: {}", path_, errno_text(errno));
}

// Unlinked first: a CRIU that opens it after the close would wait for ever.
ImagesGate::~ImagesGate() {
  ::unlink(path_.c_str());
  ::close(fd_);
}

std::string ImagesGate::env() const { return "CRIU_IMAGES_GATE=" + path_; }

void ImagesGate::open() {
  char go = 1;
  if (::write(fd_, &go, 1) != 1)
    fail("cannot open the images gate {}: {}", path_, errno_text(errno));
}

} // namespace xisa::migrate
