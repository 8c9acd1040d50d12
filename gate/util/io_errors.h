// SPDX-License-Identifier: MIT
#pragma once
// Errors of system calls on files, as autofix::Error(io) that name the path and say what to do; a full
// disk gets its own message (how much to free, and where).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "gate/util/error.h"

namespace autofix {

// A std::filesystem failure as Error(io): the operation and the path(s) as the library names them, and
// what to do. Operations turn these into a verdict `error` with a report instead of an internal error.
Error io_error_from(const std::filesystem::filesystem_error& e);

// An io error for `what` on `path`, carrying errno's text (a full disk: throw_no_space).
[[noreturn]] void throw_errno(const std::string& what, const std::string& path, int err);

// The Error(io) for `what` on `path` failing with a full disk (`err`): names the path, the bytes the
// write needed when known, the free space, and in its hint how much to free and what comes next.
[[noreturn]] void throw_no_space(const std::string& what, const std::string& path, int err,
                                 std::optional<uint64_t> bytes_needed);

}  // namespace autofix
