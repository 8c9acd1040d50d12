// SPDX-License-Identifier: MIT
#pragma once
// summary.md as GitHub shows it: rendered by cmark-gfm with its table extension (Debian package cmark-gfm,
// the C library GitHub's own renderer is built on), read back with pugixml. For the tests of the summary
// writer and of end-to-end attempts.
#include <string>
#include <vector>

#include <pugixml.hpp>

namespace autofix::testing {

// The HTML `cmark-gfm -e table` makes of `markdown`, parsed (inside one <body> element). Throws
// std::runtime_error when cmark-gfm fails or its HTML is not well-formed.
pugi::xml_document render_markdown(const std::string& markdown);

// What is wrong with how `markdown` renders, one line each; empty when nothing is:
//   - a table row (in the source) with more or fewer cells than its header row: GFM drops the cells past
//     the header's and pads the missing ones, so an unescaped '|' in a cell loses text without a word
//   - an empty header cell, or an empty data cell
//   - raw HTML that the renderer left out (text that was meant to be shown was read as a tag)
//   - a paragraph that starts with '|' (a table that did not render as one)
std::vector<std::string> markdown_problems(const std::string& markdown);

// The text of every <code> element, in document order.
std::vector<std::string> code_texts(const pugi::xml_document& html);

}  // namespace autofix::testing
