// SPDX-License-Identifier: MIT
#include "reporters/sarif_region.h"

namespace autofix::reporters {

using nlohmann::json;

namespace {

// The length of the UTF-8 sequence a lead byte starts (1 for a stray continuation byte, so that a scan
// always moves on).
size_t sequence_length(unsigned char lead) {
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

bool word_byte(unsigned char c) {
  return c >= 0x80 || c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// UTF-16 code units of the characters of `text`: a 4-byte sequence is a surrogate pair.
int utf16_units(std::string_view text) {
  int units = 0;
  for (size_t i = 0; i < text.size(); i += sequence_length(static_cast<unsigned char>(text[i])))
    units += sequence_length(static_cast<unsigned char>(text[i])) == 4 ? 2 : 1;
  return units;
}

// The byte offset just after the token that starts at byte offset `start` of `line` (see sarif_region).
size_t token_end(std::string_view line, size_t start) {
  if (start >= line.size()) return start;
  size_t end = start;
  while (end < line.size() && word_byte(static_cast<unsigned char>(line[end]))) ++end;
  if (end == start) end = std::min(line.size(), start + sequence_length(static_cast<unsigned char>(line[start])));
  return end;
}

json fallback_region(int line, int column) {
  json region = {{"startLine", line}};
  if (column > 0) region["startColumn"] = column;
  return region;
}

}  // namespace

std::optional<int> utf16_column(std::string_view line, int byte_column) {
  if (byte_column < 1 || static_cast<size_t>(byte_column) > line.size() + 1) return std::nullopt;
  size_t offset = static_cast<size_t>(byte_column) - 1;
  while (offset > 0 && offset < line.size() && (static_cast<unsigned char>(line[offset]) & 0xC0) == 0x80) --offset;
  return utf16_units(line.substr(0, offset)) + 1;
}

json sarif_region(const std::string& file, int line, int column, const std::optional<SourceExcerpt>& excerpt) {
  if (line < 1) return nullptr;
  const std::string* text = excerpt && excerpt->file == file ? excerpt->text_of(line) : nullptr;
  if (!text || excerpt->is_cut(line)) return fallback_region(line, column);
  size_t start = 0, end = text->size();  // an unknown column: the whole line
  if (column > 0) {
    if (!utf16_column(*text, column)) return fallback_region(line, column);
    start = static_cast<size_t>(column) - 1;
    while (start > 0 && start < text->size() && (static_cast<unsigned char>((*text)[start]) & 0xC0) == 0x80) --start;
    end = token_end(*text, start);
  }
  json region = {{"startLine", line},
                 {"startColumn", utf16_units(std::string_view(*text).substr(0, start)) + 1},
                 {"endLine", line},
                 {"endColumn", utf16_units(std::string_view(*text).substr(0, end)) + 1},
                 {"snippet", {{"text", text->substr(start, end - start)}}}};
  return region;
}

json sarif_context_region(const std::string& file, int line, const std::optional<SourceExcerpt>& excerpt) {
  if (!excerpt || excerpt->file != file || !excerpt->text_of(line) || !excerpt->cut_lines.empty()) return nullptr;
  std::string text;
  for (size_t i = 0; i < excerpt->lines.size(); ++i) text += (i ? "\n" : "") + excerpt->lines[i];
  return {{"startLine", excerpt->first_line}, {"endLine", excerpt->last_line()}, {"snippet", {{"text", text}}}};
}

}  // namespace autofix::reporters
