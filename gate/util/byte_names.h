// SPDX-License-Identifier: MIT
#pragma once
// File names are bytes: git and Linux allow any byte but '/' and NUL, UTF-8 or not. These helpers show
// such a name in a message or a report without losing what it is, and carry it exactly through text
// formats that need UTF-8 (JSON).
#include <optional>
#include <string>
#include <string_view>

namespace autofix {

// Whether `text` is well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF): what a
// JSON writer can store as a string.
bool is_utf8(std::string_view text) noexcept;

// The name as git shows it with core.quotePath=false: unchanged when it is UTF-8 without control
// characters, '"' or '\\'; otherwise in double quotes with C escapes (\n, \t, \\, \") and every other
// control character or byte that is not UTF-8 as a three-digit octal escape ("u\377", "\303(").
std::string quoted_name(std::string_view name);

// A name for a UTF-8 text format: unchanged when it is UTF-8, else quoted_name(). Not reversible for
// the quoted ones: store hex_bytes() beside it where the exact bytes matter.
std::string utf8_name(std::string_view name);

// Lower-case hexadecimal of every byte, and back (nullopt for odd lengths or non-hex digits).
std::string hex_bytes(std::string_view bytes);
std::optional<std::string> bytes_from_hex(std::string_view hex);

}  // namespace autofix
