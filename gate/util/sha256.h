// SPDX-License-Identifier: MIT
#pragma once
// SHA-256 (FIPS 180-4) of bytes, as 64 lowercase hex digits: what a history record names a patch by
// (`sha256sum` prints the same), computed by OpenSSL's libcrypto (libgit2 1.5 hashes with SHA-1 only).
#include <string>
#include <string_view>

namespace autofix {

std::string sha256_hex(std::string_view bytes);

}  // namespace autofix
