// SPDX-License-Identifier: MIT
#include "reporters/html_document.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <sstream>

#include "gate/util/utf8_text.h"

namespace autofix::reporters {

namespace {

// HTML elements that have no end tag. Every other element is written with one, even when empty.
constexpr std::array<std::string_view, 7> kVoidElements = {"meta", "br", "hr", "img", "input", "link", "wbr"};

// An empty text node makes the serializer write "<x></x>" instead of "<x/>".
void close_empty_elements(pugi::xml_node n) {
  for (pugi::xml_node child : n.children())
    if (child.type() == pugi::node_element) close_empty_elements(child);
  if (n.type() == pugi::node_element && !n.first_child() &&
      std::find(kVoidElements.begin(), kVoidElements.end(), n.name()) == kVoidElements.end())
    n.append_child(pugi::node_pcdata);
}

}  // namespace

std::string html_text(std::string_view text) {
  std::string valid = sanitize_utf8(text);
  std::string out;
  out.reserve(valid.size());
  for (unsigned char c : valid) {
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\x%02x", c);
      out += escape;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

namespace html {

pugi::xml_node add(pugi::xml_node parent, const char* tag, const char* cls) {
  pugi::xml_node n = parent.append_child(tag);
  if (cls) n.append_attribute("class") = cls;
  return n;
}

void append_text(pugi::xml_node parent, std::string_view text) {
  parent.append_child(pugi::node_pcdata).set_value(html_text(text).c_str());
}

pugi::xml_node add_text(pugi::xml_node parent, const char* tag, std::string_view text, const char* cls) {
  pugi::xml_node n = add(parent, tag, cls);
  append_text(n, text);
  return n;
}

void set_attribute(pugi::xml_node n, const char* name, std::string_view value) {
  n.append_attribute(name) = html_text(value).c_str();
}

std::string fixed(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

Page::Page(std::string_view title, std::string_view style) {
  html_ = doc_.append_child("html");
  html_.append_attribute("lang") = "en";
  pugi::xml_node head = add(html_, "head");
  add(head, "meta").append_attribute("charset") = "utf-8";
  pugi::xml_node csp = add(head, "meta");
  csp.append_attribute("http-equiv") = "Content-Security-Policy";
  csp.append_attribute("content") = kContentSecurityPolicy;
  pugi::xml_node viewport = add(head, "meta");
  viewport.append_attribute("name") = "viewport";
  viewport.append_attribute("content") = "width=device-width, initial-scale=1";
  add_text(head, "title", title);
  add(head, "style").append_child(pugi::node_pcdata).set_value(std::string(style).c_str());
  body_ = add(html_, "body");
}

std::string Page::str() {
  close_empty_elements(html_);
  std::ostringstream out;
  out << "<!DOCTYPE html>\n";
  doc_.save(out, "", pugi::format_raw | pugi::format_no_declaration, pugi::encoding_utf8);
  out << "\n";
  return out.str();
}

}  // namespace html
}  // namespace autofix::reporters
