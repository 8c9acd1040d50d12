// SPDX-License-Identifier: MIT
#pragma once
// One error type for the whole tool: what failed, on which path or object, and what the user can do.
// The kind decides the process exit code (docs/exit-codes.md).
#include <stdexcept>
#include <string>

namespace autofix {

enum class ErrorKind {
  usage,             // bad arguments or configuration; nothing was changed
  repository_state,  // the repository cannot be worked on now (not a repo, bare, merge in progress, ...)
  busy,              // another gate holds the lock, or an unfinished operation needs `recover`
  io,                // a file system call failed
  git,               // a libgit2 call failed
  verification,      // a restored tree does not match its snapshot
  unjudgeable,       // the tree without the change cannot be judged: it does not build, or runs no test
  internal,          // a bug or an impossible state
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string message, std::string hint = {});
  ErrorKind kind() const noexcept { return kind_; }
  const std::string& hint() const noexcept { return hint_; }

 private:
  ErrorKind kind_;
  std::string hint_;
};

// Exit codes shared by every command (documented in docs/exit-codes.md).
namespace exit_code {
inline constexpr int ok = 0;
inline constexpr int rejected = 1;
inline constexpr int usage = 2;
inline constexpr int needs_review = 3;
inline constexpr int gate_error = 4;
inline constexpr int planned = 5;  // a dry run: the plan was printed, nothing was built or judged
// The circuit breaker of the attempt's key is open: refused before anything was touched. Not 5, which
// issue 14 asked for: 5 is the dry run's code since v0.1.0 (docs/exit-codes.md).
inline constexpr int refused_breaker_open = 6;
inline constexpr int interrupted_sigint = 130;
inline constexpr int interrupted_sigterm = 143;
}  // namespace exit_code

int exit_code_for(ErrorKind kind) noexcept;
const char* to_string(ErrorKind kind) noexcept;

}  // namespace autofix
