// SPDX-License-Identifier: MIT
#pragma once
// A command line as a POSIX shell takes it back: what the gate prints for a person to copy and run.
#include <string>
#include <vector>

namespace autofix {

// The words joined by spaces; a word with anything but letters, digits and _-+=/.,:@% is single-quoted
// (a single quote inside becomes '\''), and an empty word is ''.
std::string shell_words(const std::vector<std::string>& argv);

}  // namespace autofix
