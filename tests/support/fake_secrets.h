// SPDX-License-Identifier: MIT
#pragma once
// Building blocks of fake credentials for the secrets tests. Every credential-shaped value is assembled
// at run time from pieces that are harmless on their own, so no test file holds a literal key (and the
// gate's own secrets tier has nothing to say about the tests).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace autofix::testing {

inline constexpr std::string_view kAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
inline constexpr std::string_view kUrlSafe = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
inline constexpr std::string_view kBase64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
inline constexpr std::string_view kLowerHex = "0123456789abcdef";
inline constexpr std::string_view kDigits = "0123456789";

// `n` characters drawn from `alphabet` by a fixed pseudo-random sequence: key-shaped text, the same on
// every run.
std::string random_chars(std::string_view alphabet, size_t n, uint32_t seed);

// base64url without padding, as JWTs and Discord tokens write it.
std::string base64url(std::string_view bytes);

}  // namespace autofix::testing
