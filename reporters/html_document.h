// SPDX-License-Identifier: MIT
#pragma once
// What every HTML page the gate writes shares (report.html, the history's dashboard): one self-contained
// page built as a pugixml tree and serialized once, so that text from strangers (test names, output,
// messages, paths, signatures) enters the page only as text nodes and attribute values, which the
// serializer escapes ('<', '&', '>', '"'). Inline CSS and inline SVG only, and a Content-Security-Policy
// that forbids loading or running anything.
#include <string>
#include <string_view>

#include <pugixml.hpp>

namespace autofix::reporters {

// Text from strangers made fit for an HTML text node or attribute value before the markup escaping (which
// the serializer does: '<', '&', '>', '"'): bytes that are not UTF-8 become U+FFFD, and control characters
// other than tab, line feed and carriage return (NUL included) are shown as "\xNN", since HTML allows them
// nowhere.
std::string html_text(std::string_view text);

namespace html {

// The policy every page carries: nothing may be loaded or run.
inline constexpr const char* kContentSecurityPolicy =
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

pugi::xml_node add(pugi::xml_node parent, const char* tag, const char* cls = nullptr);
// The one way stranger text enters a page.
void append_text(pugi::xml_node parent, std::string_view text);
pugi::xml_node add_text(pugi::xml_node parent, const char* tag, std::string_view text, const char* cls = nullptr);
void set_attribute(pugi::xml_node n, const char* name, std::string_view value);
// `value` with `decimals` digits after the point ("%.*f").
std::string fixed(double value, int decimals);

// A page: <!DOCTYPE html>, <html lang="en">, a head with the charset, the policy, a viewport for phones,
// `title` and `style` (which must hold no '<', '>' or '&': the serializer would escape them), and a body.
class Page {
 public:
  Page(std::string_view title, std::string_view style);
  pugi::xml_node body() const { return body_; }
  // The page as text: every element but the void ones closed with an end tag (an HTML parser reads <div/>
  // as an opening tag), no indentation (it would change the text of <pre> blocks).
  std::string str();

 private:
  pugi::xml_document doc_;
  pugi::xml_node html_;
  pugi::xml_node body_;
};

}  // namespace html
}  // namespace autofix::reporters
