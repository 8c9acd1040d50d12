// SPDX-License-Identifier: MIT
#pragma once
// Where a program would be found in $PATH, without starting anything: to choose a default (cppcheck
// when it is installed) or to name the program a tier will run (gitleaks "auto").
#include <filesystem>
#include <optional>
#include <string_view>

namespace autofix::runners {

// The first executable regular file called `name` in $PATH's directories, in their order. Empty entries
// (which a shell reads as the current directory) are skipped: what is found must not depend on where the
// gate runs. A name that is empty or holds a '/' is not looked up (nullopt), nor is anything when $PATH is
// unset. Directories, and files this user may not execute, are not a match.
std::optional<std::filesystem::path> find_program(std::string_view name);

// What tells one installed program from another without running it: the real path (symbolic links
// resolved) of what find_program finds (or of `name` itself when it holds a '/'), its size and its
// modification time, as text. It changes when the program is replaced (an upgrade, another one first in
// $PATH), as ccache tells compilers apart. nullopt when there is no such program.
std::optional<std::string> program_identity(std::string_view name);

}  // namespace autofix::runners
