# SPDX-License-Identifier: MIT
# Reads the built autofix-gate's --help (CLI11's layout) for cmake/GenerateManPage.cmake and
# cmake/GenerateCompletions.cmake, so the man page and the completions say what the binary says.
#
#   _autofix_gate_help(<out-prefix> <gate> [<word>...])
#
# runs `<gate> <word>... --help` and sets, in the caller's scope:
#   <out-prefix>_DESCRIPTION   the first line
#   <out-prefix>_USAGE         the text after "Usage: "
#   <out-prefix>_SUBCOMMANDS   the subcommands' names, in the order listed
#   <out-prefix>_SUB_<name>    the description of subcommand <name>
#   <out-prefix>_ENTRIES       one index per option or positional, in the order listed (0 1 2 ...)
#   <out-prefix>_ENTRY_<i>     its left column ("-C,--directory DIR", "--on-accept TEXT:{branch,keep,commit}")
#   <out-prefix>_TEXT_<i>      its description
#   <out-prefix>_POSITIONAL_<i> TRUE for a positional
# Characters that CMake lists would split on or group by (; [ ]) are kept as the placeholders
# <semicolon> <lbracket> <rbracket>; _autofix_gate_unescape() puts them back in a string.
include_guard(GLOBAL)

macro(_autofix_gate_unescape var)
  string(REPLACE "<semicolon>" ";" ${var} "${${var}}")
  string(REPLACE "<lbracket>" "[" ${var} "${${var}}")
  string(REPLACE "<rbracket>" "]" ${var} "${${var}}")
endmacro()

function(_autofix_gate_help prefix gate)
  set(words ${ARGN})
  execute_process(COMMAND "${gate}" ${words} --help OUTPUT_VARIABLE help RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    list(JOIN words " " shown)
    message(FATAL_ERROR "`${gate} ${shown} --help` failed (exit ${rc}): ${err}")
  endif()
  string(REPLACE ";" "<semicolon>" help "${help}")
  string(REPLACE "[" "<lbracket>" help "${help}")
  string(REPLACE "]" "<rbracket>" help "${help}")
  string(REPLACE "\n" ";" lines "${help}")
  set(section "")
  set(subcommands)
  set(entries)
  set(index -1)
  set(first TRUE)
  foreach(line IN LISTS lines)
    if(first)
      set(${prefix}_DESCRIPTION "${line}" PARENT_SCOPE)
      set(first FALSE)
      continue()
    endif()
    if(line MATCHES "^Usage: (.*)$")
      set(${prefix}_USAGE "${CMAKE_MATCH_1}" PARENT_SCOPE)
    elseif(line MATCHES "^(Options|Positionals|Subcommands):$")
      set(section "${CMAKE_MATCH_1}")
    elseif(line STREQUAL "")
      set(section "")
    elseif(section STREQUAL "Subcommands" AND line MATCHES "^  ([a-z][a-z-]*) +(.*)$")
      list(APPEND subcommands "${CMAKE_MATCH_1}")
      set(${prefix}_SUB_${CMAKE_MATCH_1} "${CMAKE_MATCH_2}" PARENT_SCOPE)
    elseif(section MATCHES "^(Options|Positionals)$")
      if(line MATCHES "^                              (.*)$")  # the description, under a long left column
        string(APPEND text_${index} "${CMAKE_MATCH_1}")
      elseif(line MATCHES "^  ([^ ].*)$")
        math(EXPR index "${index} + 1")
        list(APPEND entries ${index})
        set(rest "${CMAKE_MATCH_1}")
        if(rest MATCHES "^(.*[^ ])   *([^ ].*)$")
          set(entry_${index} "${CMAKE_MATCH_1}")
          set(text_${index} "${CMAKE_MATCH_2}")
        else()
          set(entry_${index} "${rest}")
          set(text_${index} "")
        endif()
        if(section STREQUAL "Positionals")
          set(${prefix}_POSITIONAL_${index} TRUE PARENT_SCOPE)
        else()
          set(${prefix}_POSITIONAL_${index} FALSE PARENT_SCOPE)
        endif()
      endif()
    endif()
  endforeach()
  foreach(i IN LISTS entries)
    set(${prefix}_ENTRY_${i} "${entry_${i}}" PARENT_SCOPE)
    set(${prefix}_TEXT_${i} "${text_${i}}" PARENT_SCOPE)
  endforeach()
  set(${prefix}_SUBCOMMANDS "${subcommands}" PARENT_SCOPE)
  set(${prefix}_ENTRIES "${entries}" PARENT_SCOPE)
endfunction()

# _autofix_gate_option_names(<out> <entry>): the option names of a left column ("-C,--directory DIR" →
# -C;--directory); empty for a positional.
function(_autofix_gate_option_names out entry)
  set(names)
  if(entry MATCHES "^(-[^ ]*)")
    string(REPLACE "," ";" names "${CMAKE_MATCH_1}")
  endif()
  set(${out} "${names}" PARENT_SCOPE)
endfunction()

# _autofix_gate_option_values(<out> <entry>): the values of an enumerated option ("TEXT:{a,b}" → a;b), else empty.
function(_autofix_gate_option_values out entry)
  set(values)
  if(entry MATCHES ":{([^}]*)}")
    string(REPLACE "," ";" values "${CMAKE_MATCH_1}")
  endif()
  set(${out} "${values}" PARENT_SCOPE)
endfunction()

# _autofix_gate_option_takes_value(<out> <entry>): TRUE when the option is followed by a value.
function(_autofix_gate_option_takes_value out entry)
  string(REGEX REPLACE " (Excludes|Needs): .*$" "" entry "${entry}")
  if(entry MATCHES "^-[^ ]+ ")
    set(${out} TRUE PARENT_SCOPE)
  else()
    set(${out} FALSE PARENT_SCOPE)
  endif()
endfunction()
