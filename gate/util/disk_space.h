// SPDX-License-Identifier: MIT
#pragma once
// A full disk is the one file system error the user can only fix by hand, and `recover` keeps failing
// until they do: its message says where space is missing and how much.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace autofix {

// Whether `err` (an errno value) means that the file system, or the user's quota on it, is full.
bool is_no_space(int err) noexcept;

// Bytes an unprivileged process may still write on the file system holding `path` (or its nearest
// existing parent); nullopt when that cannot be known.
std::optional<uint64_t> free_bytes(const std::filesystem::path& path);

// "4194304 bytes (4.0 MiB)"; under 1 KiB just "312 bytes".
std::string describe_bytes(uint64_t bytes);

}  // namespace autofix
