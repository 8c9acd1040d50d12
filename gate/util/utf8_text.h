// SPDX-License-Identifier: MIT
#pragma once
// Text from strangers (test output, analyzer reports, file names) made safe to put into JSON and XML.
#include <string>
#include <string_view>

namespace autofix {

// Replaces every byte sequence that is not valid UTF-8 (overlong forms and surrogates included) by U+FFFD.
std::string sanitize_utf8(std::string_view text);

}  // namespace autofix
