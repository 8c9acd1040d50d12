// SPDX-License-Identifier: MIT
#pragma once
// One strict reader for the JSON documents the gate reads back: its configuration, report.json and
// snapshot manifests. Each is untrusted input, so every problem is one Error naming the document, the
// JSON path and what was expected:
//   "gate.json: tiers[2].timeout: must be between 1 and 604800 seconds, got 0"
//   "r.json: tests[0].transition: unknown transition 'PASSED' (expected FAIL_TO_PASS, ... or SKIPPED)"
// Duplicate keys are refused when the text is parsed (nlohmann would keep the last one silently);
// unknown keys are refused where a document asks for it (allow_only), with a "did you mean".
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "gate/util/enum_table.h"
#include "gate/util/error.h"

namespace autofix {

// The parsed document. Ordered, so that the first problem reported is the first in the file.
using JsonDocument = nlohmann::ordered_json;

// What is being read: its name starts every message ("gate.json", "malformed snapshot manifest in X"),
// its kind and hint go to every Error a check does not give its own hint for.
struct JsonSource {
  std::string name;
  ErrorKind kind = ErrorKind::usage;
  std::string hint;

  // Error "<name>: <path>: <what>" ("<name>: <what>" for the whole document).
  [[noreturn]] void fail(std::string_view path, const std::string& what) const;
  [[noreturn]] void fail(std::string_view path, const std::string& what, std::string hint) const;
};

// Text from a document, fit for a one-line message: control characters and quotes escaped by JSON's
// rules (without the enclosing quotes), cut after 80 bytes (never inside a UTF-8 character) with "...".
std::string printable(std::string_view text);
// printable(text) in single quotes.
std::string quoted_text(std::string_view text);

// What a value is, for "expected X, got Y": null, true, false, "the number 2.5", "the string \"x\""
// (cut after 56 characters), "an array", "an object".
std::string describe_json(const JsonDocument& value);

// Parses `text`, refusing duplicate keys. Not JSON: "<name>: not valid JSON: <the parser's message>"
// with `invalid_hint`; a duplicate key: "<name>: <path>: duplicate key 'k'".
JsonDocument parse_json_strictly(std::string_view text, const JsonSource& source, const std::string& invalid_hint);

// A value inside a document and where it is. Reading a value as a type checks the type (and range); a
// mismatch fails with the value's path. The document and the source must outlive the JsonValue.
class JsonValue {
 public:
  JsonValue(const JsonDocument& value, const JsonSource& source, std::string path = {});

  const JsonDocument& json() const noexcept { return *value_; }
  const std::string& path() const noexcept { return path_; }
  bool is_null() const noexcept { return value_->is_null(); }

  [[noreturn]] void fail(const std::string& what) const { source_->fail(path_, what); }
  [[noreturn]] void fail(const std::string& what, std::string hint) const { source_->fail(path_, what, std::move(hint)); }

  // ---- this value as a type ------------------------------------------------------------------------
  const JsonValue& object() const;                             // "expected an object, got ..."
  std::vector<JsonValue> array(std::string_view of = {}) const;  // "expected an array[ of <of>], got ..."
  std::string string() const;                                  // any string
  std::string text() const;                                    // a string, not empty, without NUL
  bool boolean() const;                                        // "expected true or false, got ..."
  // An integer from low to high: "expected an integer, got ...", "must be between L and H[ unit], got V".
  std::int64_t integer(std::int64_t low, std::int64_t high, std::string_view unit = {}) const;
  std::uint64_t unsigned_integer(std::uint64_t high = std::numeric_limits<std::uint64_t>::max()) const;
  double number() const;                                       // any finite number
  std::vector<std::string> strings() const;                    // an array of string()
  // An array of text(); `refuse_empty` (why it cannot be empty) makes an empty array "empty (<why>)".
  std::vector<std::string> texts(std::optional<std::string_view> refuse_empty = std::nullopt) const;
  // A name from `names`: "unknown <what> 'x' (expected a, b or c)", hinting at a near miss.
  template <typename E, std::size_t N>
  E one_of(const EnumTable<E, N>& names, std::string_view what) const {
    std::string got = text();
    if (std::optional<E> value = names.parse(got)) return *value;
    fail_unknown(what, got, names.names(), names.alternatives());
  }

  // ---- members of this value, which must be an object -----------------------------------------------
  std::optional<JsonValue> find(std::string_view key) const;
  // The member `key`; absent: "<path>.<key>: missing (<if_missing>)".
  JsonValue at(std::string_view key, std::string_view if_missing) const;
  // Every member, in the document's order.
  std::vector<std::pair<std::string, JsonValue>> members() const;
  // Refuses any key not in `keys`: "unknown key 'x' (expected a, b or c)", hinting at a near miss.
  void allow_only(std::initializer_list<std::string_view> keys) const;
  // The path of the member `key` (which need not exist).
  std::string path_of(std::string_view key) const;

  // Required members of a type: at(key, "expected <type>").<type>().
  JsonValue object(std::string_view key) const;
  std::vector<JsonValue> array(std::string_view key, std::string_view of) const;
  std::vector<JsonValue> objects(std::string_view key) const;  // an array of objects
  std::string string(std::string_view key) const;
  bool boolean(std::string_view key) const;
  std::int64_t integer(std::string_view key, std::int64_t low, std::int64_t high) const;
  std::uint64_t unsigned_integer(std::string_view key,
                                 std::uint64_t high = std::numeric_limits<std::uint64_t>::max()) const;
  double number(std::string_view key) const;
  std::vector<std::string> strings(std::string_view key) const;
  template <typename E, std::size_t N>
  E one_of(std::string_view key, const EnumTable<E, N>& names, std::string_view what) const {
    return at(key, "expected " + names.alternatives()).one_of(names, what);
  }
  // Members that must be there but may be null.
  std::optional<std::string> string_or_null(std::string_view key) const;
  std::optional<JsonValue> object_or_null(std::string_view key) const;

 private:
  [[noreturn]] void fail_type(std::string_view expected) const;
  [[noreturn]] void fail_unknown(std::string_view what, const std::string& got, const std::vector<std::string_view>& names,
                                 const std::string& alternatives) const;
  JsonValue element(std::size_t index) const;

  const JsonDocument* value_;
  const JsonSource* source_;
  std::string path_;
};

}  // namespace autofix
