// SPDX-License-Identifier: MIT
#include "tests/e2e/script_project.h"

#include <stdexcept>

namespace autofix::testing {
namespace {

constexpr const char* kCMake = R"(cmake_minimum_required(VERSION 3.20)
project(script_calculator LANGUAGES NONE)
enable_testing()
set(built)
foreach(module mathlib formatter parser app)
  set(source "${CMAKE_CURRENT_SOURCE_DIR}/${module}/${module}.src")
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${module}.built")
  add_custom_command(OUTPUT "${out}" COMMAND "${CMAKE_COMMAND}" -E copy "${source}" "${out}" DEPENDS "${source}" VERBATIM)
  list(APPEND built "${out}")
endforeach()
add_custom_target(modules ALL DEPENDS ${built})
set(b "${CMAKE_CURRENT_BINARY_DIR}")
add_test(NAME mathlib.mean_of_three COMMAND grep -qx "mean = total / n" "${b}/mathlib.built")
add_test(NAME mathlib.sum_from_zero COMMAND grep -q "^total = 0" "${b}/mathlib.built")
add_test(NAME formatter.list_in_brackets COMMAND grep -qxF "sep = \", \"" "${b}/formatter.built")
add_test(NAME parser.parses_a_list COMMAND grep -qx "  push value" "${b}/parser.built")
add_test(NAME app.prints_usage COMMAND grep -q calc "${b}/app.built")
)";

std::string replaced_once(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  if (at == std::string::npos) throw std::runtime_error("'" + from + "' not found");
  return text.replace(at, from.size(), to);
}

}  // namespace

ScriptProject::ScriptProject() : repo_(tmp_ / "script calculator") {
  make_fileread_project(repo_, kCMake,
                        {{"mathlib/mathlib.src",
                          "total = 0\nfor v in values:\n  total += v\nn = count(values)\nif n == 0:\n  return nothing\n"
                          "# the mean of the values\nmean = total / (n - 1)\n"},
                         {"mathlib/mathlib.doc", "# mean and sum of a list of values\n"},
                         {"formatter/formatter.src", "open = \"[\"\nsep = \", \"\nclose = \"]\"\n"},
                         {"formatter/formatter.doc", "# \"[1.00, 2.50]\"\n"},
                         {"parser/parser.src", "for token in text.split(','):\n  value = number(token)\n  push value\n"},
                         {"parser/parser.doc", "# Parses \"1.5, 2, -3\"\n"},
                         {"app/app.src", "# calc \"1, 2, 6\"\nprint mean(parse(argv[1]))\n"}});
  head_ = git_out({"rev-parse", "HEAD"});
  // Ninja: a no-op build takes a few milliseconds where make's takes a tenth of a second. The gate keeps
  // the generator of a configured build directory.
  runners::ProcessResult configured = run({"cmake", "-S", repo_.string(), "-B", (repo_ / "build").string(), "-G", "Ninja"}, repo_);
  if (!configured.succeeded()) throw std::runtime_error("cannot configure " + repo_.string() + ": " + configured.err);
}

fs::path ScriptProject::patch(const fs::path& dir, const std::string& name, const std::string& path,
                              const std::string& from, const std::string& to) const {
  const std::string original = read(path);
  write_file(repo_ / path, replaced_once(original, from, to));
  const std::string diff = git(repo_, {"diff", "--", path});
  write_file(repo_ / path, original);
  fs::create_directories(dir);
  const fs::path file = dir / (name + ".diff");
  write_file(file, diff);
  return file;
}

fs::path ScriptProject::mean_fix(const fs::path& dir, const std::string& name) const {
  return patch(dir, name, "mathlib/mathlib.src", "mean = total / (n - 1)", "mean = total / n");
}

}  // namespace autofix::testing
