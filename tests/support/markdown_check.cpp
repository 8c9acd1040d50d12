// SPDX-License-Identifier: MIT
#include "tests/support/markdown_check.h"

#include <sstream>
#include <stdexcept>

#include "tests/support/test_support.h"

namespace autofix::testing {

namespace {

// The cells of a table line as cmark-gfm splits them: at each '|' that is not "\|" (only a pipe is escaped
// there: "\\|" is a backslash and an escaped pipe), without the leading and trailing pipe.
std::vector<std::string> cells_of(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\' && i + 1 < line.size() && line[i + 1] == '|') {
      cell += line.substr(i, 2);
      ++i;
    } else if (line[i] == '|') {
      cells.push_back(cell);
      cell.clear();
    } else {
      cell += line[i];
    }
  }
  cells.push_back(cell);
  if (!line.empty() && line.front() == '|') cells.erase(cells.begin());
  if (line.size() > 1 && line.back() == '|' && line[line.size() - 2] != '\\') cells.pop_back();
  return cells;
}

std::string all_text(pugi::xml_node n) {
  std::string out;
  for (pugi::xml_node c : n.children()) out += c.type() == pugi::node_pcdata ? c.value() : all_text(c);
  return out;
}

void collect(pugi::xml_node n, const char* name, std::vector<pugi::xml_node>& out) {
  for (pugi::xml_node c : n.children()) {
    if (std::string(c.name()) == name) out.push_back(c);
    collect(c, name, out);
  }
}

std::vector<pugi::xml_node> all(const pugi::xml_document& html, const char* name) {
  std::vector<pugi::xml_node> out;
  collect(html, name, out);
  return out;
}

}  // namespace

pugi::xml_document render_markdown(const std::string& markdown) {
  TempDir dir;
  write_file(dir / "summary.md", markdown);
  runners::ProcessResult r = run({"cmark-gfm", "-e", "table", (dir / "summary.md").string()}, dir.path());
  if (!r.succeeded()) throw std::runtime_error("cmark-gfm -e table failed (" + r.describe() + "): " + r.err);
  pugi::xml_document html;
  std::string wrapped = "<body>" + r.out + "</body>";
  pugi::xml_parse_result parsed = html.load_buffer(wrapped.data(), wrapped.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed)
    throw std::runtime_error(std::string("cmark-gfm wrote HTML that is not well-formed: ") + parsed.description() + "\n" +
                             r.out);
  return html;
}

std::vector<std::string> markdown_problems(const std::string& markdown) {
  std::vector<std::string> problems;
  // The tables in the source: a header line, a delimiter line, rows until a line that is no row.
  std::istringstream in(markdown);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  for (size_t i = 0; i + 1 < lines.size(); ++i) {
    if (!lines[i].starts_with("|") || !lines[i + 1].starts_with("|---")) continue;
    size_t header = cells_of(lines[i]).size();
    size_t j = i + 2;
    for (; j < lines.size() && lines[j].starts_with("|"); ++j)
      if (size_t n = cells_of(lines[j]).size(); n != header)
        problems.push_back("line " + std::to_string(j + 1) + ": " + std::to_string(n) + " cells under a header of " +
                           std::to_string(header) + ": " + lines[j]);
    i = j - 1;
  }

  pugi::xml_document html = render_markdown(markdown);
  for (pugi::xml_node th : all(html, "th"))
    if (all_text(th).empty()) problems.push_back("an empty header cell");
  for (pugi::xml_node td : all(html, "td"))
    if (all_text(td).empty()) problems.push_back("an empty data cell in the row of '" + all_text(td.parent()) + "'");
  std::ostringstream rendered;
  html.save(rendered);
  if (rendered.str().find("raw HTML omitted") != std::string::npos)
    problems.push_back("raw HTML was left out: " + rendered.str());
  for (pugi::xml_node p : all(html, "p"))
    if (all_text(p).starts_with("|")) problems.push_back("a paragraph that is a table gone wrong: " + all_text(p));
  return problems;
}

std::vector<std::string> code_texts(const pugi::xml_document& html) {
  std::vector<std::string> out;
  for (pugi::xml_node c : all(html, "code")) out.push_back(all_text(c));
  return out;
}

}  // namespace autofix::testing
