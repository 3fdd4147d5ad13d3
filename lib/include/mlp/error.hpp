// The exceptions the library throws. Each carries the user's context (file, JSON path, CSV
// line:column) in its message; app/main.cpp catches them once and maps the kind to an exit code.
#pragma once

#include "mlp/text.hpp"

#include <stdexcept>
#include <string>

namespace mlp {

// Base of every error the library reports to a user. app/main.cpp prints the message as one line
// after "error: ", so line breaks are escaped here, once for every message: they name files by
// paths, and a path (from a config, a checkpoint, the command line) may hold any byte but NUL.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(one_line(message)) {}
};

// Bad usage, config or data: the user can fix it by changing the input. Exit code 2.
class InputError : public Error {
 public:
  using Error::Error;
};

// Training produced NaN or Inf (in the loss or the weights). Exit code 3.
class DivergedError : public Error {
 public:
  using Error::Error;
};

// Writing an output failed for a reason outside the input's content (permissions, disk full).
// Exit code 1. (An input file that is missing or unreadable is an InputError.)
class IoError : public Error {
 public:
  using Error::Error;
};

}  // namespace mlp
