// One error type for every host tool: the message names what is wrong and,
// where there is one, what to do about it. Commands catch it at the top and
// print "xisa: error: <message>".
#pragma once
#include <fmt/format.h>
#include <stdexcept>
#include <string>

namespace xisa {

class Error : public std::runtime_error {
public:
  explicit Error(const std::string &message) : std::runtime_error(message) {}
};

template <typename... Args>
[[noreturn]] void fail(fmt::format_string<Args...> format, Args &&...args) {
  throw Error(fmt::format(format, std::forward<Args>(args)...));
}

// Message for errno, for "cannot open X: <why>" style errors.
std::string errno_text(int err);

} // namespace xisa
