// SPDX-License-Identifier: MIT
#include "gate/util/json_reader.h"

#include <gtest/gtest.h>

#include <functional>

namespace autofix {
namespace {

enum class Color { red, green, blue };
constexpr auto kColors = enum_table<Color>({{Color::red, "red"}, {Color::green, "green"}, {Color::blue, "blue"}});

const JsonSource kSource{"doc.json", ErrorKind::usage, "the source's hint"};

struct Failure {
  std::string message;
  std::string hint;
  ErrorKind kind = ErrorKind::internal;
};

// What reading `text` with `read` throws; "accepted" when nothing.
Failure failure_of(const std::string& text, const std::function<void(const JsonValue&)>& read,
                   const JsonSource& source = kSource) {
  try {
    JsonDocument doc = parse_json_strictly(text, source, "the parse hint");
    read(JsonValue(doc, source));
  } catch (const Error& e) {
    return {e.what(), e.hint(), e.kind()};
  }
  return {"accepted", "", ErrorKind::internal};
}

std::string message_of(const std::string& text, const std::function<void(const JsonValue&)>& read) {
  return failure_of(text, read).message;
}

void nothing(const JsonValue&) {}

TEST(ParseJsonStrictly, RefusesDuplicateKeysNamingWhere) {
  Failure f = failure_of(R"({"a": 1, "a": 2})", nothing);
  EXPECT_EQ(f.message, "doc.json: duplicate key 'a'");
  EXPECT_EQ(f.hint, "a key may appear once in an object; remove one of them");
  EXPECT_EQ(f.kind, ErrorKind::usage);
  EXPECT_EQ(message_of(R"({"tiers": [{"x": 1}, {"name": "a", "name": "b"}]})", nothing), "doc.json: tiers[1]: duplicate key 'name'");
  EXPECT_EQ(message_of(R"({"a": {"b": [[], [{"c": 1, "c": 1}]]}})", nothing), "doc.json: a.b[1][0]: duplicate key 'c'");
  // The same key in two objects is no duplicate.
  EXPECT_EQ(message_of(R"([{"a": 1}, {"a": 2}])", nothing), "accepted");
}

TEST(ParseJsonStrictly, NamesWhatIsNotJson) {
  Failure f = failure_of(R"({"a": tru})", nothing);
  EXPECT_EQ(f.message, "doc.json: not valid JSON: parse error at line 1, column 10: syntax error while parsing value - "
                       "invalid literal; last read: '\"a\": tru}'");
  EXPECT_EQ(f.hint, "the parse hint");
  EXPECT_EQ(message_of("", nothing), "doc.json: not valid JSON: parse error at line 1, column 1: syntax error while parsing "
                                     "value - unexpected end of input; expected '[', '{', or a literal");
}

TEST(ParseJsonStrictly, KeepsTheDocumentsOrder) {
  JsonDocument doc = parse_json_strictly(R"({"z": 1, "a": 2, "m": 3})", kSource, "");
  std::vector<std::string> keys;
  for (const auto& [key, value] : JsonValue(doc, kSource).members()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"z", "a", "m"}));
}

TEST(JsonValue, NamesTheWrongTypeAndThePath) {
  EXPECT_EQ(message_of(R"([1])", [](const JsonValue& v) { v.object(); }), "doc.json: expected an object, got an array");
  EXPECT_EQ(message_of(R"({"a": {"b": [1, "x"]}})", [](const JsonValue& v) { v.object("a").array("b", "")[1].boolean(); }),
            "doc.json: a.b[1]: expected true or false, got the string \"x\"");
  EXPECT_EQ(message_of(R"({"a": null})", [](const JsonValue& v) { v.string("a"); }), "doc.json: a: expected a string, got null");
  EXPECT_EQ(message_of(R"({"a": 2.5})", [](const JsonValue& v) { v.integer("a", 0, 9); }),
            "doc.json: a: expected an integer, got the number 2.5");
  EXPECT_EQ(message_of(R"({"a": true})", [](const JsonValue& v) { v.number("a"); }), "doc.json: a: expected a number, got true");
  EXPECT_EQ(message_of(R"({"a": {}})", [](const JsonValue& v) { v.strings("a"); }),
            "doc.json: a: expected an array of strings, got an object");
  EXPECT_EQ(message_of(R"({"a": [{}, 3]})", [](const JsonValue& v) { v.objects("a"); }),
            "doc.json: a[1]: expected an object, got the number 3");
  EXPECT_EQ(message_of(R"({"a": 7})", [](const JsonValue& v) { v.string_or_null("a"); }),
            "doc.json: a: expected a string or null, got the number 7");
  EXPECT_EQ(message_of(R"({"a": []})", [](const JsonValue& v) { v.object_or_null("a"); }),
            "doc.json: a: expected an object or null, got an array");
  // A long string is cut in the message.
  EXPECT_EQ(message_of("{\"a\": \"" + std::string(100, 'x') + "\"}", [](const JsonValue& v) { v.boolean("a"); }),
            "doc.json: a: expected true or false, got the string \"" + std::string(55, 'x') + "...\"");
}

TEST(JsonValue, NamesAMissingMember) {
  EXPECT_EQ(message_of(R"({"a": {}})", [](const JsonValue& v) { v.object("a").string("b"); }),
            "doc.json: a.b: missing (expected a string)");
  EXPECT_EQ(message_of(R"({})", [](const JsonValue& v) { v.at("name", "every tier needs a name"); }),
            "doc.json: name: missing (every tier needs a name)");
  EXPECT_EQ(message_of(R"({})", [](const JsonValue& v) { v.one_of("color", kColors, "color"); }),
            "doc.json: color: missing (expected red, green or blue)");
  // Present but null is something else than missing.
  EXPECT_EQ(message_of(R"({"a": null})", [](const JsonValue& v) { EXPECT_EQ(v.string_or_null("a"), std::nullopt); }),
            "accepted");
  EXPECT_EQ(message_of(R"({})", [](const JsonValue& v) { v.string_or_null("a"); }),
            "doc.json: a: missing (expected a string or null)");
}

TEST(JsonValue, ChecksIntegerRanges) {
  auto read = [](const std::string& number, int64_t low, int64_t high) {
    return message_of("{\"n\": " + number + "}", [&](const JsonValue& v) { v.at("n", "").integer(low, high, "seconds"); });
  };
  EXPECT_EQ(read("0", 1, 10), "doc.json: n: must be between 1 and 10 seconds, got 0");
  EXPECT_EQ(read("-1", 0, 10), "doc.json: n: must be between 0 and 10 seconds, got -1");
  EXPECT_EQ(read("11", 0, 10), "doc.json: n: must be between 0 and 10 seconds, got 11");
  EXPECT_EQ(read("18446744073709551615", 0, 10), "doc.json: n: must be between 0 and 10 seconds, got 18446744073709551615");
  EXPECT_EQ(read("18446744073709551615", -5, -1), "doc.json: n: must be between -5 and -1 seconds, got 18446744073709551615");
  EXPECT_EQ(read("-9223372036854775808", INT64_MIN, INT64_MAX), "accepted");
  EXPECT_EQ(read("1", 1, 10), "accepted");
  EXPECT_EQ(read("10", 1, 10), "accepted");
  auto read_unsigned = [](const std::string& number, uint64_t high) {
    return message_of("{\"n\": " + number + "}", [&](const JsonValue& v) { v.unsigned_integer("n", high); });
  };
  EXPECT_EQ(read_unsigned("-1", 5), "doc.json: n: must be between 0 and 5, got -1");
  EXPECT_EQ(read_unsigned("6", 5), "doc.json: n: must be between 0 and 5, got 6");
  EXPECT_EQ(read_unsigned("18446744073709551615", UINT64_MAX), "accepted");
  // A number made in code (not parsed) is stored signed even when it is positive.
  JsonDocument made = {{"n", 5}, {"m", -5}};
  EXPECT_EQ(JsonValue(made, kSource).unsigned_integer("n", 5), 5u);
  EXPECT_EQ(JsonValue(made, kSource).integer("n", 0, 5), 5);
  EXPECT_THROW(JsonValue(made, kSource).unsigned_integer("m"), Error);
  JsonDocument doc = parse_json_strictly(R"({"n": 18446744073709551615})", kSource, "");
  EXPECT_EQ(JsonValue(doc, kSource).unsigned_integer("n"), UINT64_MAX);
}

TEST(JsonValue, ReadsTexts) {
  EXPECT_EQ(message_of(R"({"a": ""})", [](const JsonValue& v) { v.at("a", "").text(); }), "doc.json: a: empty");
  EXPECT_EQ(message_of(R"({"a": "x\u0000y"})", [](const JsonValue& v) { v.at("a", "").text(); }),
            "doc.json: a: holds a NUL character");
  EXPECT_EQ(message_of(R"({"a": []})", [](const JsonValue& v) { v.at("a", "").texts("name at least one"); }),
            "doc.json: a: empty (name at least one)");
  EXPECT_EQ(message_of(R"({"a": []})", [](const JsonValue& v) { EXPECT_TRUE(v.at("a", "").texts().empty()); }), "accepted");
  EXPECT_EQ(message_of(R"({"a": ["x", ""]})", [](const JsonValue& v) { v.at("a", "").texts(); }), "doc.json: a[1]: empty");
  // string() takes any string, the empty one too.
  EXPECT_EQ(message_of(R"({"a": ["", "b"]})", [](const JsonValue& v) {
              EXPECT_EQ(v.strings("a"), (std::vector<std::string>{"", "b"}));
            }),
            "accepted");
}

TEST(JsonValue, ReadsANameFromItsTable) {
  JsonDocument doc = parse_json_strictly(R"({"c": "green"})", kSource, "");
  EXPECT_EQ(JsonValue(doc, kSource).one_of("c", kColors, "color"), Color::green);
  Failure near = failure_of(R"({"c": "gren"})", [](const JsonValue& v) { v.one_of("c", kColors, "color"); });
  EXPECT_EQ(near.message, "doc.json: c: unknown color 'gren' (expected red, green or blue)");
  EXPECT_EQ(near.hint, "did you mean 'green'?");
  Failure far = failure_of(R"({"c": "purple"})", [](const JsonValue& v) { v.one_of("c", kColors, "color"); });
  EXPECT_EQ(far.message, "doc.json: c: unknown color 'purple' (expected red, green or blue)");
  EXPECT_EQ(far.hint, "the source's hint");
  // Names are case-sensitive; odd characters are shown escaped, never echoed raw.
  EXPECT_EQ(message_of(R"({"c": "Red"})", [](const JsonValue& v) { v.one_of("c", kColors, "color"); }),
            "doc.json: c: unknown color 'Red' (expected red, green or blue)");
  EXPECT_EQ(message_of(R"({"c": "\u001b[2J\n"})", [](const JsonValue& v) { v.one_of("c", kColors, "color"); }),
            "doc.json: c: unknown color '\\u001b[2J\\n' (expected red, green or blue)");
}

TEST(JsonValue, RefusesUnknownKeysWithASuggestion) {
  Failure f = failure_of(R"({"name": 1, "lables": 2})", [](const JsonValue& v) { v.allow_only({"name", "labels"}); });
  EXPECT_EQ(f.message, "doc.json: unknown key 'lables' (expected name or labels)");
  EXPECT_EQ(f.hint, "did you mean 'labels'?");
  EXPECT_EQ(message_of(R"({"t": [{"name": 1, "x y::z": 2}]})",
                       [](const JsonValue& v) { v.array("t", "")[0].allow_only({"name", "kind", "labels"}); }),
            "doc.json: t[0]: unknown key 'x y::z' (expected name, kind or labels)");
  EXPECT_EQ(message_of(R"({"name": 1})", [](const JsonValue& v) { v.allow_only({"name"}); }), "accepted");
}

TEST(JsonValue, KeysInPathsAreShownEscaped) {
  EXPECT_EQ(message_of(R"({"a\nb": {"c": 1}})", [](const JsonValue& v) { v.object("a\nb").string("c"); }),
            "doc.json: a\\nb.c: expected a string, got the number 1");
}

TEST(JsonValue, ErrorsCarryTheSourcesKindAndHint) {
  const JsonSource manifest{"malformed manifest in X", ErrorKind::internal, "inspect X"};
  Failure f = failure_of(R"({"a": 1})", [](const JsonValue& v) { v.string("a"); }, manifest);
  EXPECT_EQ(f.message, "malformed manifest in X: a: expected a string, got the number 1");
  EXPECT_EQ(f.kind, ErrorKind::internal);
  EXPECT_EQ(f.hint, "inspect X");
  Failure own = failure_of(R"({"a": 1})", [](const JsonValue& v) { v.at("a", "").fail("too small", "use a bigger one"); });
  EXPECT_EQ(own.message, "doc.json: a: too small");
  EXPECT_EQ(own.hint, "use a bigger one");
}

TEST(Printable, EscapesAndCaps) {
  EXPECT_EQ(printable("plain text"), "plain text");
  EXPECT_EQ(printable("a\nb\x1b'\"c"), "a\\nb\\u001b'\\\"c");
  EXPECT_EQ(printable(std::string(81, 'x')), std::string(80, 'x') + "...");
  // 79 ASCII bytes, then a two-byte character across the cut: cut before it, never inside it.
  EXPECT_EQ(printable(std::string(79, 'x') + "\xc3\xa9z"), std::string(79, 'x') + "...");
  // Bytes that are not UTF-8 are replaced, never passed on.
  EXPECT_EQ(printable("a\xff"), "a\xef\xbf\xbd");
  EXPECT_EQ(quoted_text("it's"), "'it's'");
}

TEST(DescribeJson, SaysWhatAValueIs) {
  EXPECT_EQ(describe_json(nullptr), "null");
  EXPECT_EQ(describe_json(true), "true");
  EXPECT_EQ(describe_json(-3), "the number -3");
  EXPECT_EQ(describe_json(1.0), "the number 1.0");
  EXPECT_EQ(describe_json("x\"y"), "the string \"x\\\"y\"");
  EXPECT_EQ(describe_json(JsonDocument::array()), "an array");
  EXPECT_EQ(describe_json(JsonDocument::object()), "an object");
}

}  // namespace
}  // namespace autofix
