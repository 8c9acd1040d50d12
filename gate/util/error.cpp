// SPDX-License-Identifier: MIT
#include "gate/util/error.h"

namespace autofix {

Error::Error(ErrorKind kind, std::string message, std::string hint)
    : std::runtime_error(std::move(message)), kind_(kind), hint_(std::move(hint)) {}

int exit_code_for(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::usage:
    case ErrorKind::repository_state:
    case ErrorKind::busy:
      return exit_code::usage;
    case ErrorKind::io:
    case ErrorKind::git:
    case ErrorKind::verification:
    case ErrorKind::unjudgeable:
    case ErrorKind::internal:
      return exit_code::gate_error;
  }
  return exit_code::gate_error;
}

const char* to_string(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::usage: return "usage";
    case ErrorKind::repository_state: return "repository_state";
    case ErrorKind::busy: return "busy";
    case ErrorKind::io: return "io";
    case ErrorKind::git: return "git";
    case ErrorKind::verification: return "verification";
    case ErrorKind::unjudgeable: return "unjudgeable";
    case ErrorKind::internal: return "internal";
  }
  return "internal";
}

}  // namespace autofix
