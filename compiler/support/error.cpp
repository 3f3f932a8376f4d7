#include "support/error.h"

#include <cstring>

namespace xisa {

std::string errno_text(int err) { return std::strerror(err); }

} // namespace xisa
