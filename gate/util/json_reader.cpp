// SPDX-License-Identifier: MIT
#include "gate/util/json_reader.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "gate/util/spelling.h"

namespace autofix {

namespace {

std::string child_path(std::string_view where, std::string_view key) {
  std::string shown = printable(key);
  return where.empty() ? shown : std::string(where) + "." + shown;
}

std::string element_path(std::string_view where, std::size_t index) {
  return std::string(where) + "[" + std::to_string(index) + "]";
}

// "a, b or c"
std::string alternatives_of(const std::vector<std::string_view>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out += names[i];
  }
  return out;
}

}  // namespace

void JsonSource::fail(std::string_view path, const std::string& what) const { fail(path, what, hint); }

void JsonSource::fail(std::string_view path, const std::string& what, std::string message_hint) const {
  throw Error(kind, name + ": " + (path.empty() ? "" : std::string(path) + ": ") + what, std::move(message_hint));
}

std::string printable(std::string_view text) {
  constexpr std::size_t kMax = 80;
  // Cut on a UTF-8 character boundary, so the cut itself never makes the text invalid.
  std::size_t cut = text.size();
  if (cut > kMax) {
    cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  }
  std::string j = nlohmann::json(std::string(text.substr(0, cut))).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return j.substr(1, j.size() - 2) + (cut < text.size() ? "..." : "");
}

std::string quoted_text(std::string_view text) { return "'" + printable(text) + "'"; }

std::string describe_json(const JsonDocument& v) {
  switch (v.type()) {
    case JsonDocument::value_t::null: return "null";
    case JsonDocument::value_t::boolean: return v.get<bool>() ? "true" : "false";
    case JsonDocument::value_t::number_integer:
    case JsonDocument::value_t::number_unsigned:
    case JsonDocument::value_t::number_float: return "the number " + v.dump();
    case JsonDocument::value_t::string: {
      std::string dumped = v.dump(-1, ' ', false, JsonDocument::error_handler_t::replace);
      return "the string " + (dumped.size() > 60 ? dumped.substr(0, 56) + "...\"" : dumped);
    }
    case JsonDocument::value_t::array: return "an array";
    case JsonDocument::value_t::object: return "an object";
    default: return "an unexpected value";
  }
}

JsonDocument parse_json_strictly(std::string_view text, const JsonSource& source, const std::string& invalid_hint) {
  // nlohmann reports keys as they are parsed; a stack of the open objects and arrays gives their path.
  struct Frame {
    bool array = false;
    std::size_t elements = 0;  // arrays: elements started so far
    std::string key;           // objects: the key being read
    std::set<std::string> keys;
  };
  std::vector<Frame> stack;
  std::optional<std::pair<std::string, std::string>> duplicate;  // where, key
  auto path = [&] {
    std::string where;
    for (std::size_t i = 0; i + 1 < stack.size(); ++i)
      where = stack[i].array ? element_path(where, stack[i].elements - 1) : child_path(where, stack[i].key);
    return where;
  };
  auto start_element = [&] {
    if (!stack.empty() && stack.back().array) ++stack.back().elements;
  };
  using Event = JsonDocument::parse_event_t;
  auto callback = [&](int, Event event, JsonDocument& parsed) {
    switch (event) {
      case Event::object_start: start_element(); stack.emplace_back(); break;
      case Event::array_start: start_element(); stack.emplace_back().array = true; break;
      case Event::object_end:
      case Event::array_end: stack.pop_back(); break;
      case Event::value: start_element(); break;
      case Event::key: {
        Frame& frame = stack.back();
        frame.key = parsed.get<std::string>();
        if (!frame.keys.insert(frame.key).second && !duplicate) duplicate.emplace(path(), frame.key);
        break;
      }
    }
    return true;
  };
  JsonDocument doc;
  try {
    doc = JsonDocument::parse(text.begin(), text.end(), callback);
  } catch (const JsonDocument::exception& e) {
    std::string what = e.what();
    if (auto close = what.find("] "); what.starts_with("[json.exception.") && close != std::string::npos)
      what.erase(0, close + 2);
    source.fail("", "not valid JSON: " + what, invalid_hint);
  }
  if (duplicate)
    source.fail(duplicate->first, "duplicate key " + quoted_text(duplicate->second),
                "a key may appear once in an object; remove one of them");
  return doc;
}

JsonValue::JsonValue(const JsonDocument& value, const JsonSource& source, std::string path)
    : value_(&value), source_(&source), path_(std::move(path)) {}

void JsonValue::fail_type(std::string_view expected) const {
  fail("expected " + std::string(expected) + ", got " + describe_json(*value_));
}

void JsonValue::fail_unknown(std::string_view what, const std::string& got, const std::vector<std::string_view>& names,
                             const std::string& alternatives) const {
  std::optional<std::string> near = closest_name(got, names);
  fail("unknown " + std::string(what) + " " + quoted_text(got) + " (expected " + alternatives + ")",
       near ? "did you mean '" + *near + "'?" : source_->hint);
}

JsonValue JsonValue::element(std::size_t index) const {
  return JsonValue((*value_)[index], *source_, element_path(path_, index));
}

const JsonValue& JsonValue::object() const {
  if (!value_->is_object()) fail_type("an object");
  return *this;
}

std::vector<JsonValue> JsonValue::array(std::string_view of) const {
  if (!value_->is_array()) fail_type(of.empty() ? "an array" : "an array of " + std::string(of));
  std::vector<JsonValue> out;
  out.reserve(value_->size());
  for (std::size_t i = 0; i < value_->size(); ++i) out.push_back(element(i));
  return out;
}

std::string JsonValue::string() const {
  if (!value_->is_string()) fail_type("a string");
  return value_->get<std::string>();
}

std::string JsonValue::text() const {
  std::string s = string();
  if (s.empty()) fail("empty");
  if (s.find('\0') != std::string::npos) fail("holds a NUL character");
  return s;
}

bool JsonValue::boolean() const {
  if (!value_->is_boolean()) fail_type("true or false");
  return value_->get<bool>();
}

std::int64_t JsonValue::integer(std::int64_t low, std::int64_t high, std::string_view unit) const {
  if (!value_->is_number_integer()) fail_type("an integer");
  bool in_range;
  if (value_->is_number_unsigned()) {  // every non-negative integer, and those above INT64_MAX
    const std::uint64_t u = value_->get<std::uint64_t>();
    in_range = high >= 0 && u <= static_cast<std::uint64_t>(high) && (low <= 0 || u >= static_cast<std::uint64_t>(low));
  } else {
    const std::int64_t i = value_->get<std::int64_t>();
    in_range = i >= low && i <= high;
  }
  if (!in_range)
    fail("must be between " + std::to_string(low) + " and " + std::to_string(high) +
         (unit.empty() ? "" : " " + std::string(unit)) + ", got " + value_->dump());
  return value_->get<std::int64_t>();
}

std::uint64_t JsonValue::unsigned_integer(std::uint64_t high) const {
  if (!value_->is_number_integer()) fail_type("an integer");
  // A positive number made in code (not parsed) is stored as a signed one.
  const bool negative = !value_->is_number_unsigned() && value_->get<std::int64_t>() < 0;
  if (negative || value_->get<std::uint64_t>() > high)
    fail("must be between 0 and " + std::to_string(high) + ", got " + value_->dump());
  return value_->get<std::uint64_t>();
}

double JsonValue::number() const {
  if (!value_->is_number()) fail_type("a number");
  double d = value_->get<double>();
  if (!std::isfinite(d)) fail("expected a finite number, got " + value_->dump());
  return d;
}

std::vector<std::string> JsonValue::strings() const {
  std::vector<std::string> out;
  for (const JsonValue& v : array("strings")) out.push_back(v.string());
  return out;
}

std::vector<std::string> JsonValue::texts(std::optional<std::string_view> refuse_empty) const {
  std::vector<JsonValue> items = array("strings");
  if (items.empty() && refuse_empty) fail("empty (" + std::string(*refuse_empty) + ")");
  std::vector<std::string> out;
  for (const JsonValue& v : items) out.push_back(v.text());
  return out;
}

std::optional<JsonValue> JsonValue::find(std::string_view key) const {
  object();
  auto it = value_->find(key);
  if (it == value_->end()) return std::nullopt;
  return JsonValue(*it, *source_, child_path(path_, key));
}

JsonValue JsonValue::at(std::string_view key, std::string_view if_missing) const {
  std::optional<JsonValue> member = find(key);
  if (!member) source_->fail(child_path(path_, key), "missing (" + std::string(if_missing) + ")");
  return *member;
}

std::vector<std::pair<std::string, JsonValue>> JsonValue::members() const {
  object();
  std::vector<std::pair<std::string, JsonValue>> out;
  for (const auto& [key, value] : value_->items()) out.emplace_back(key, JsonValue(value, *source_, child_path(path_, key)));
  return out;
}

void JsonValue::allow_only(std::initializer_list<std::string_view> keys) const {
  object();
  const std::vector<std::string_view> names(keys);
  for (const auto& [key, value] : value_->items()) {
    if (std::find(names.begin(), names.end(), key) != names.end()) continue;
    fail_unknown("key", key, names, alternatives_of(names));
  }
}

std::string JsonValue::path_of(std::string_view key) const { return child_path(path_, key); }

JsonValue JsonValue::object(std::string_view key) const {
  JsonValue v = at(key, "expected an object");
  v.object();
  return v;
}

std::vector<JsonValue> JsonValue::array(std::string_view key, std::string_view of) const {
  return at(key, of.empty() ? "expected an array" : "expected an array of " + std::string(of)).array(of);
}

std::vector<JsonValue> JsonValue::objects(std::string_view key) const {
  std::vector<JsonValue> out = array(key, "objects");
  for (const JsonValue& v : out) v.object();
  return out;
}

std::string JsonValue::string(std::string_view key) const { return at(key, "expected a string").string(); }
bool JsonValue::boolean(std::string_view key) const { return at(key, "expected true or false").boolean(); }
std::int64_t JsonValue::integer(std::string_view key, std::int64_t low, std::int64_t high) const {
  return at(key, "expected an integer").integer(low, high);
}
std::uint64_t JsonValue::unsigned_integer(std::string_view key, std::uint64_t high) const {
  return at(key, "expected an integer").unsigned_integer(high);
}
double JsonValue::number(std::string_view key) const { return at(key, "expected a number").number(); }
std::vector<std::string> JsonValue::strings(std::string_view key) const {
  return at(key, "expected an array of strings").strings();
}

std::optional<std::string> JsonValue::string_or_null(std::string_view key) const {
  JsonValue v = at(key, "expected a string or null");
  if (v.is_null()) return std::nullopt;
  if (!v.json().is_string()) v.fail_type("a string or null");
  return v.string();
}

std::optional<JsonValue> JsonValue::object_or_null(std::string_view key) const {
  JsonValue v = at(key, "expected an object or null");
  if (v.is_null()) return std::nullopt;
  if (!v.json().is_object()) v.fail_type("an object or null");
  return v;
}

}  // namespace autofix
