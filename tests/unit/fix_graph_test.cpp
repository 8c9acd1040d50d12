// SPDX-License-Identifier: MIT
#include "gate/policy/fix_graph.h"

#include <gtest/gtest.h>

namespace autofix {
namespace {

TEST(FixGraph, OrderKeepsTheFileOrderWithoutDependencies) {
  EXPECT_EQ(dependency_order({{}, {}, {}}), (std::vector<std::size_t>{0, 1, 2}));
}

TEST(FixGraph, OrderPutsDependenciesFirst) {
  // 0 depends on 2, 1 on 0: 2, 0, 1; 3 free keeps its place after what it can follow.
  EXPECT_EQ(dependency_order({{2}, {0}, {}, {}}), (std::vector<std::size_t>{2, 0, 1, 3}));
}

TEST(FixGraph, FindsACycle) {
  EXPECT_EQ(find_cycle({{1}, {2}, {0}}), (std::vector<std::size_t>{0, 1, 2, 0}));
  EXPECT_EQ(find_cycle({{}, {1}}), (std::vector<std::size_t>{1, 1}));
  EXPECT_EQ(find_cycle({{}, {0}, {0, 1}}), std::nullopt);
}

TEST(FixGraph, DependentsAndDependenciesAreTransitive) {
  FixDeps deps{{}, {0}, {1}, {}};
  EXPECT_EQ(dependents_of(deps, 0), (std::vector<std::size_t>{1, 2}));
  EXPECT_EQ(dependents_of(deps, 3), (std::vector<std::size_t>{}));
  EXPECT_EQ(dependencies_of(deps, 2), (std::vector<std::size_t>{0, 1}));
}

}  // namespace
}  // namespace autofix
