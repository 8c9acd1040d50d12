// SPDX-License-Identifier: MIT
#pragma once
// cppcheck's XML report (`--xml --xml-version=2`, written on its standard error), read back. Pure: no
// files, no processes. The report is untrusted input (what printed it may be broken, or not cppcheck):
// anything that is not a whole version-2 report throws rather than yielding fewer findings.
//
// What cppcheck writes (lib/errorlogger.cpp, ErrorMessage::toXML):
//   <?xml version="1.0" encoding="UTF-8"?>
//   <results version="2">
//     <cppcheck version="2.10"/>
//     <errors>
//       <error id="nullPointer" severity="error" msg="Null pointer dereference: p" verbose="..." cwe="476"
//              file0="src/calc.cpp">
//         <location file="src/calc.cpp" line="17" column="11" info="Null pointer dereference"/>
//         <location file="src/calc.cpp" line="13" column="12" info="Assignment 'p=nullptr', assigned value is 0"/>
//         <symbol>p</symbol>
//       </error>
//       <error id="missingInclude" severity="information" msg="..." verbose="..."/>
//     </errors>
//   </results>
// The first <location> is where the diagnostic is; the others are the steps that lead there. Some
// diagnostics have none (a summary such as missingInclude), some name a file at line 0 (toomanyconfigs).
// Paths are as cppcheck printed them: relative to its working directory when below it.
#include <string>
#include <string_view>
#include <vector>

namespace autofix::runners {

struct CppcheckLocation {
  std::string file;  // as printed; "" only when cppcheck wrote it so
  int line = 0;      // 1-based; 0 when cppcheck names no line
  int column = 0;    // 1-based; 0 when cppcheck names none
  std::string info;  // what happens there ("Assuming condition is false"); may be empty
};

struct CppcheckDiagnostic {
  std::string id;        // the checker's id: nullPointer, toomanyconfigs, ...
  std::string severity;  // cppcheck's word: error, warning, style, performance, portability, information, debug
  std::string message;   // msg, the short text (not verbose)
  int cwe = 0;           // 0: none given
  std::vector<CppcheckLocation> locations;  // the first is the diagnostic's own; empty: no location
};

// Parses a report, in cppcheck's order. `source` names it in error messages. Throws Error(internal)
// "cannot read <source>: <what>; it begins: '<its first bytes>'" for text that is not XML (with
// pugixml's reason and the byte offset), text outside the root element or more than one root (something
// else printed on the stream), a root that is not <results version="2">, no <errors>, an
// element in <errors> other than <error>, an <error> without id, severity or msg, or a line, column or
// cwe that is not a non-negative number. Unknown attributes and children (<symbol>) are ignored. Texts
// are kept as valid UTF-8 (sanitize_utf8), paths as written.
std::vector<CppcheckDiagnostic> parse_cppcheck_report(std::string_view xml, std::string_view source = "cppcheck's XML report");

}  // namespace autofix::runners
