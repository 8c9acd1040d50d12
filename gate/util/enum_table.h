// SPDX-License-Identifier: MIT
#pragma once
// A closed set's one table of names: the writer takes a value's name from it, the reader parses a name
// back with it, and messages list the names from it. Adding a value means adding one row.
//
//   inline constexpr auto kLaneNames = enum_table<Lane>({{Lane::docs, "docs"}, {Lane::standard, "standard"}});
//   kLaneNames.name_of(Lane::docs) == "docs";  kLaneNames.parse("docs") == Lane::docs
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace autofix {

template <typename E, std::size_t N>
class EnumTable {
 public:
  using Row = std::pair<E, std::string_view>;

  constexpr explicit EnumTable(const std::array<Row, N>& rows) : rows_(rows) {}

  // The value's name; every value of the set has a row, so a value without one is a bug: "".
  constexpr std::string_view name_of(E value) const noexcept {
    for (const Row& row : rows_)
      if (row.first == value) return row.second;
    return {};
  }
  // name_of as a C string (the names are string literals).
  constexpr const char* c_name_of(E value) const noexcept {
    std::string_view name = name_of(value);
    return name.empty() ? "" : name.data();
  }

  // The value named exactly `name` (case-sensitive); nullopt for any other text.
  constexpr std::optional<E> parse(std::string_view name) const noexcept {
    for (const Row& row : rows_)
      if (row.second == name) return row.first;
    return std::nullopt;
  }

  // Every name, in table order.
  std::vector<std::string_view> names() const {
    std::vector<std::string_view> out;
    out.reserve(N);
    for (const Row& row : rows_) out.push_back(row.second);
    return out;
  }
  // Every value, in table order.
  std::vector<E> values() const {
    std::vector<E> out;
    out.reserve(N);
    for (const Row& row : rows_) out.push_back(row.first);
    return out;
  }

  // "a, b or c": for "expected ..." in messages.
  std::string alternatives() const {
    std::string out;
    for (std::size_t i = 0; i < N; ++i) {
      if (i > 0) out += i + 1 == N ? " or " : ", ";
      out += rows_[i].second;
    }
    return out;
  }

  constexpr const std::array<Row, N>& rows() const noexcept { return rows_; }

 private:
  std::array<Row, N> rows_;
};

// Builds a table from a braced list of {value, "name"} rows; the size is counted for you.
template <typename E, std::size_t N>
constexpr EnumTable<E, N> enum_table(const std::pair<E, std::string_view> (&rows)[N]) {
  std::array<std::pair<E, std::string_view>, N> out{};
  for (std::size_t i = 0; i < N; ++i) out[i] = rows[i];
  return EnumTable<E, N>(out);
}

}  // namespace autofix
