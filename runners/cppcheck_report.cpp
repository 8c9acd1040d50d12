// SPDX-License-Identifier: MIT
#include "runners/cppcheck_report.h"

#include <charconv>
#include <climits>
#include <optional>

#include <pugixml.hpp>

#include "gate/util/error.h"
#include "runners/junit_reader.h"
#include "gate/util/utf8_text.h"

namespace autofix::runners {

namespace {

constexpr size_t kShownBytes = 160;  // of a report that cannot be read, in the message

// The start of what was printed, on one line: line breaks shown as "\n", other control characters as
// spaces, valid UTF-8.
std::string first_bytes(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, kShownBytes)) {
    if (c == '\n') out += "\\n";
    else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) out += ' ';
    else out += c;
  }
  if (text.size() > kShownBytes) out += "...";
  return sanitize_utf8(out);
}

class ReportReader {
 public:
  ReportReader(std::string_view xml, std::string_view source) : xml_(xml), source_(source) {}

  [[noreturn]] void fail(const std::string& what) const {
    std::string shown = xml_.empty() ? std::string("it is empty") : "it begins: '" + first_bytes(xml_) + "'";
    throw Error(ErrorKind::internal, "cannot read " + std::string(source_) + ": " + what + "; " + shown,
                "run the command yourself to see what cppcheck writes on its standard error; the static tier reads "
                "the report of `cppcheck --xml --xml-version=2`");
  }

  // A required, non-empty attribute.
  std::string text(const pugi::xml_node& node, const char* name, const std::string& where) const {
    pugi::xml_attribute a = node.attribute(name);
    if (!a) fail(where + " has no " + name);
    std::string value = sanitize_utf8(a.value());
    if (value.empty()) fail(where + " has an empty " + name);
    return value;
  }

  // An optional non-negative number; 0 when the attribute is missing.
  int number(const pugi::xml_node& node, const char* name, const std::string& where) const {
    pugi::xml_attribute a = node.attribute(name);
    if (!a) return 0;
    std::string_view digits = a.value();
    int value = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || value < 0)
      fail(where + " has " + name + "=\"" + first_bytes(digits) + "\", not a number from 0 to " +
           std::to_string(INT_MAX));
    return value;
  }

 private:
  std::string_view xml_;
  std::string_view source_;
};

}  // namespace

std::vector<CppcheckDiagnostic> parse_cppcheck_report(std::string_view xml, std::string_view source) {
  const ReportReader reader(xml, source);
  // pugixml never expands DTD entities (a billion-laughs document stays small) and does not recurse on
  // nesting; the caller caps the size (cppcheck's output is read up to a limit). As a fragment, text
  // around the root element is kept, so that anything else on the stream is seen, not skipped.
  pugi::xml_document doc;
  pugi::xml_parse_result parsed =
      doc.load_buffer(xml.data(), xml.size(), pugi::parse_default | pugi::parse_fragment, pugi::encoding_utf8);
  if (!parsed)
    reader.fail(std::string("it is not XML (") + parsed.description() + " at byte " + std::to_string(parsed.offset) +
                ")");
  size_t elements = 0;
  for (pugi::xml_node n = doc.first_child(); n; n = n.next_sibling())
    if (n.type() == pugi::node_element) ++elements;
  if (elements == 0) reader.fail("it holds no XML element");
  if (elements > 1) reader.fail("it holds " + std::to_string(elements) + " root elements, not one <results>");
  for (pugi::xml_node n = doc.first_child(); n; n = n.next_sibling())
    if (n.type() == pugi::node_pcdata || n.type() == pugi::node_cdata)
      reader.fail("text stands outside the report's root element ('" + first_bytes(n.value()) + "')");
  pugi::xml_node results = doc.document_element();
  if (std::string_view(results.name()) != "results")
    reader.fail("its root element is <" + first_bytes(results.name()) + ">, not <results>");
  if (std::string_view(results.attribute("version").value()) != "2")
    reader.fail("it is not version 2 of cppcheck's XML format (<results version=\"" +
                first_bytes(results.attribute("version").value()) + "\">)");
  pugi::xml_node errors = results.child("errors");
  if (!errors) reader.fail("<results> has no <errors>");

  std::vector<CppcheckDiagnostic> diagnostics;
  for (pugi::xml_node e = errors.first_child(); e; e = e.next_sibling()) {
    if (e.type() != pugi::node_element) continue;
    const std::string where = "<error> " + std::to_string(diagnostics.size() + 1);
    if (std::string_view(e.name()) != "error")
      reader.fail("<errors> holds <" + first_bytes(e.name()) + ">, which is not an <error>");
    CppcheckDiagnostic& d = diagnostics.emplace_back();
    d.id = reader.text(e, "id", where);
    d.severity = reader.text(e, "severity", where);
    d.message = reader.text(e, "msg", where);
    d.cwe = reader.number(e, "cwe", where);
    for (pugi::xml_node l = e.child("location"); l; l = l.next_sibling("location")) {
      const std::string at = where + " (" + d.id + ") location " + std::to_string(d.locations.size() + 1);
      pugi::xml_attribute file = l.attribute("file");
      if (!file) reader.fail(at + " has no file");
      d.locations.push_back({file.value(), reader.number(l, "line", at), reader.number(l, "column", at),
                             sanitize_utf8(l.attribute("info").value())});
    }
  }
  return diagnostics;
}

}  // namespace autofix::runners
