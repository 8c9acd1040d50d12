// SPDX-License-Identifier: MIT
// The pre-built project templates the attempt tests copy, and the calculator's slot images (copies with
// a stored baseline, attempt_data/calculator_repo.h). Under ctest this is e2e.templates, the fixture
// every other end-to-end test requires: it builds each once per change of its sources, before the tests
// that copy them start (tests/e2e/CMakeLists.txt).
#include <gtest/gtest.h>

#include "tests/e2e/attempt_data/calculator_repo.h"

namespace autofix::testing {
namespace {

// A template is a committed repository with a built build directory: a copy only rebuilds what a fix touches.
void expect_built(const fs::path& repo, const std::vector<std::string>& executables) {
  EXPECT_TRUE(fs::exists(repo.parent_path() / "complete")) << repo;
  EXPECT_EQ(attempt::ProjectCopy::trimmed(git(repo, {"status", "--porcelain"})), "") << repo;
  for (const std::string& e : executables)
    EXPECT_TRUE(fs::is_regular_file(repo / "build" / e)) << repo / "build" / e << " was not built";
}

TEST(Templates, EveryProjectTemplateIsBuilt) {
  expect_built(attempt::template_repo(), {"app/calc", "mathlib/mathlib_test", "parser/parser_test", "formatter/formatter_test"});
  // And the calculator's slot images, each with the baseline of its tree stored for its slot's path.
  fs::create_directories(attempt::detail::slots_dir(attempt::calculator_recipe()));
  for (int k = 0; k < attempt::kSlots; ++k) {
    attempt::detail::FileLock slot(attempt::detail::slots_dir(attempt::calculator_recipe()) /
                                   ("slot " + std::to_string(k) + ".lock"));
    fs::path image = attempt::detail::prepared_slot_image(attempt::calculator_recipe(), attempt::template_repo(), k);
    expect_built(image, {"app/calc", "mathlib/mathlib_test"});
    size_t baselines = 0;
    for (const auto& e : fs::directory_iterator(image / ".git" / "autofix" / "baselines"))
      baselines += e.path().extension() == ".json";
    EXPECT_EQ(baselines, 1u) << image;
  }
  expect_built(attempt::shapes_template(), {"tests/gtest_suite", "tests/catch_suite", "tests/doctest_suite",
                                            "tests/selfcheck", "tests/halvings_check"});
}

}  // namespace
}  // namespace autofix::testing
