# SPDX-License-Identifier: MIT
# Part of AutofixGate. See docs/cmake.md for the three ways to bring this module into a project.

#[=======================================================================[.rst:
AutofixGate
-----------

Gate automated fixes (AI agents, ``clang-tidy --fix``, codemods, dependency bots) with
``autofix-gate`` from the project's own build: this module writes the gate configuration
(``autofix-gate.json``, format in ``docs/configuration.md``) into the build tree and registers CTest
tests labelled ``autofix`` that run ``autofix-gate verify`` on the checked-out change and report each
tier's result.

Nothing is decided at the time of a call. The calls record the tiers, the protected paths and the
settings; at the end of the directory that called :command:`autofix_gate_enable` the module finds the
runner, generates the configuration with :command:`file(GENERATE)` and registers the tests. Tiers and
protected paths can therefore be declared before or after :command:`autofix_gate_enable`, in that
directory or in any directory it adds, as long as that directory has not ended.

The module needs CMake 3.25. Call ``enable_testing()`` (or ``include(CTest)``) in the top-level
``CMakeLists.txt`` so that ``ctest`` sees the tests.

.. command:: autofix_gate_add_tier

  Declare one verification tier; tiers run in the order they are declared::

    autofix_gate_add_tier(<name>
                          KIND ctest|clang-tidy|cppcheck|sanitizers|secrets|command
                          [LABELS <label>...]
                          [COMMAND <arg>...]
                          [JUNIT <file>]
                          [REQUIRED|ADVISORY]
                          [TIMEOUT <seconds>]
                          [LANES docs|standard|heavy...]
                          [FAIL_ON error|warning|style|any]
                          [GITLEAKS auto|off|<absolute path>]
    )

  ``<name>``
    Unique among the tiers, 1 to 64 characters of ``[A-Za-z0-9_.-]``. It names the tier in the
    reports and the test ``autofix.tier.<name>``.

  ``KIND <kind>``
    Required. ``ctest`` runs the project's tests, ``clang-tidy`` and ``cppcheck`` analyse the changed
    files, ``sanitizers`` builds and runs the tests with sanitizers, ``secrets`` scans the change for
    credentials, ``command`` runs ``COMMAND``.

  ``LABELS <label>...``
    ``ctest`` and ``sanitizers`` only: CTest labels (regular expressions, as ``ctest -L``); a test runs
    when it has one of them. Without ``LABELS`` every test runs, except the ``autofix`` tests.

  ``COMMAND <arg>...``
    Required for ``command``, refused for the other kinds: the command and its arguments, run from
    the repository root; exit code 0 passes. Generator expressions are evaluated, as in
    :command:`add_test`, e.g. ``COMMAND $<TARGET_FILE:my_linter> --strict``.

  ``JUNIT <file>``
    ``command`` only: a JUnit XML file the command writes; its test cases are merged into the
    results. Relative paths are relative to the repository root.

  ``REQUIRED``, ``ADVISORY``
    A required tier that fails rejects the fix (the default); an advisory tier is reported but never
    rejects, unless the change is high risk. At most one of the two.

  ``TIMEOUT <seconds>``
    Limit for the whole tier, an integer from 1 to 604800 (a week). Default 600.

  ``LANES <lane>...``
    The lanes the tier runs in: ``docs`` (only documentation changed; nothing is built),
    ``standard``, ``heavy`` (a build-configuration file changed). Only ``secrets`` and ``command``
    tiers can run in the ``docs`` lane. Default: every lane the kind can run in.

  ``FAIL_ON error|warning|style|any``
    ``clang-tidy`` and ``cppcheck`` only: the least severe new finding that fails the tier
    (``fail_on``); findings below it are reported as not blocking. Default: ``style`` when the
    project chose the checks itself (a ``.clang-tidy`` file), else ``warning``.

  ``GITLEAKS auto|off|<absolute path>``
    ``secrets`` only: ``auto`` (the default) also runs ``gitleaks`` from ``PATH`` when it is
    installed, ``off`` never does, an absolute path runs that executable.

.. command:: autofix_gate_protect

  Give paths a risk level, checked before the gate's default patterns::

    autofix_gate_protect(normal|high|critical PATHS <glob>...)

  A ``critical`` change needs review (``verify`` exits 3); a ``high`` change is accepted only when
  its advisory tiers pass too; ``normal`` takes paths out of the default patterns (for example
  ``autofix_gate_protect(normal PATHS cmake/generated/**)``). Globs are repository-relative: ``*``
  within one path segment, ``**`` across segments, ``?`` one character; a pattern without ``/``
  matches the file name at any depth. Each call adds one rule; rules keep their order.

.. command:: autofix_gate_enable

  Generate the configuration and register the ``autofix`` tests::

    autofix_gate_enable([BASE <ref>]
                        [REPORT_DIR <dir>]
                        [FLAKY_RERUNS <n>]
                        [TEST_TIMEOUT <seconds>]
                        [CONFIG_FILE <path>]
                        [ALLOW_TEST_EDITS]
                        [TEST_PATHS <glob>...]
                        [SECRETS_ALLOWLIST <file>]
                        [NO_PROTECT_DEFAULTS]
    )

  Call it once per build, normally in the top-level ``CMakeLists.txt``.

  ``BASE <ref>``
    The git revision the change is compared with (``base`` in the configuration, and ``--base`` of
    the verdict test, which wins over everything else). Without it the gate takes
    ``AUTOFIX_GATE_BASE`` from the environment of ``ctest``, else the merge base with the default
    branch, else ``HEAD~1``: leave ``BASE`` out to choose the base when the tests run (in CI).

  ``REPORT_DIR <dir>``
    Where ``verify`` writes ``report.json``, ``junit.xml``, ``autofix-tiers.xml``, ``summary.md``, the
    SARIF logs and the GitLab Code Quality report (docs/reports.md).
    Default ``${CMAKE_BINARY_DIR}/autofix``; a relative path is relative to
    ``CMAKE_CURRENT_BINARY_DIR``.

  ``FLAKY_RERUNS <n>``
    Extra runs, 0 to 20, of a test whose status changed (a fixed test gets one, a test with a flake
    history twice as many); ``0`` turns re-runs off. Default 4.

  ``TEST_TIMEOUT <seconds>``
    The time limit of each test that sets no CTest ``TIMEOUT`` property (``test_timeout``), an
    integer from 1 to 604800. A test that reaches it fails with the status ``timeout``. Default 300.

  ``CONFIG_FILE <path>``
    Where the configuration is generated. Default ``${CMAKE_BINARY_DIR}/autofix-gate.json``, the
    place the gate looks in when ``--config`` is not given; a relative path is relative to
    ``CMAKE_CURRENT_BINARY_DIR``.

  ``ALLOW_TEST_EDITS``
    Edits to test sources are a warning instead of needing review (``allow_test_edits``).

  ``TEST_PATHS <glob>...``
    The files that count as test sources besides the test targets' sources (``test_paths``;
    default: the gate's patterns such as ``tests/**`` and ``**/*_test.*``).

  ``SECRETS_ALLOWLIST <file>``
    The allow-list of the ``secrets`` tier (``secrets_allowlist``), relative to the repository root.
    Default ``.autofix-secrets-allow``.

  ``NO_PROTECT_DEFAULTS``
    Apply only the :command:`autofix_gate_protect` rules, not the gate's default risk patterns
    (``protect_defaults: false``).

  The configuration always holds ``version``, ``build_dir`` (``CMAKE_BINARY_DIR``) and
  ``report_dir`` as absolute paths, and ``protect_defaults``; the other keys only when set.
  Without any :command:`autofix_gate_add_tier` call no ``tiers`` key is written and the gate uses its
  default tiers (``tests``, ``secrets`` and, depending on the repository, ``static``).

  The tests registered, all labelled ``autofix``:

  ``autofix.verdict``
    ``autofix-gate verify -C ${CMAKE_SOURCE_DIR} --source-dir ${CMAKE_SOURCE_DIR} --config <CONFIG_FILE>
    --build-dir ${CMAKE_BINARY_DIR} --report-dir <REPORT_DIR> [--base <BASE>]`` (the project may be a
    subdirectory of its repository): passes when the change is
    accepted, fails when it is rejected (exit 1), needs review (3), or the gate failed (2, 4).
    ``RUN_SERIAL`` (it builds and runs the whole test suite itself) and a timeout of
    ``AUTOFIX_GATE_VERDICT_TIMEOUT`` seconds.

  ``autofix.tier.<name>``
    One per declared tier: ``autofix-gate tier-status --report <REPORT_DIR>/report.json --tier
    <name>``, which passes when the tier passed or is advisory. ``DEPENDS autofix.verdict``, so that
    ``ctest -j`` runs it after the verdict; run alone it reads the last report. Without declared
    tiers only ``autofix.verdict`` is registered: the default tiers depend on the repository and the
    runner's version, so the module cannot name them; their results are in the verdict's reports.

  Strings from the calls reach the JSON file through ``string(JSON)``, escaped. The file is written
  with :command:`file(GENERATE)`, so generator expressions in any value are evaluated (their results
  are inserted as they are, unescaped).

Runner
^^^^^^

The ``autofix-gate`` the tests run is, first match wins:

1. ``AUTOFIX_GATE_EXECUTABLE`` when set (cache variable, a path);
2. the imported target ``AutofixGate::autofix-gate`` (``find_package(AutofixGate)``) or the target of
   that name that an ``add_subdirectory``/``FetchContent`` of the AutofixGate source defines;
3. a target ``autofix-gate``;
4. ``find_program(AUTOFIX_GATE_EXECUTABLE autofix-gate)``, which searches ``PATH`` and the
   ``bin`` directories of ``CMAKE_PREFIX_PATH``; the path found is cached, and so is used from then on
   (clear ``AUTOFIX_GATE_EXECUTABLE`` to search again).

None of them: a fatal error. The in-tree target (FetchContent, ``add_subdirectory``) is built as part
of the project; ``ctest`` does not build it.

Cache variables
^^^^^^^^^^^^^^^

``AUTOFIX_GATE_EXECUTABLE``
  The runner, see above.

``AUTOFIX_GATE_VERDICT_TIMEOUT``
  The CTest timeout of ``autofix.verdict`` in seconds, default 3600.

Example
^^^^^^^

.. code-block:: cmake

  cmake_minimum_required(VERSION 3.25)
  project(Calculator CXX)
  enable_testing()

  find_package(AutofixGate 0.1 REQUIRED)
  include(AutofixGate)

  add_subdirectory(src)  # registers the unit tests, labelled "unit"

  autofix_gate_add_tier(unit KIND ctest LABELS unit TIMEOUT 900)
  autofix_gate_add_tier(asan KIND sanitizers LABELS unit ADVISORY)
  autofix_gate_add_tier(secrets KIND secrets)
  autofix_gate_add_tier(lint KIND command COMMAND scripts/lint.sh --junit build/lint.xml
                        JUNIT build/lint.xml LANES docs standard heavy ADVISORY)
  autofix_gate_protect(critical PATHS src/auth/**)
  autofix_gate_enable(BASE origin/main FLAKY_RERUNS 2)

Then ``cmake --build build && ctest --test-dir build -L autofix`` judges the checked-out change
against ``origin/main``; ``-j`` keeps the order (the tier tests wait for the verdict).
#]=======================================================================]

if(CMAKE_VERSION VERSION_LESS 3.25)
  message(FATAL_ERROR "AutofixGate.cmake needs CMake 3.25 or newer; this is CMake ${CMAKE_VERSION}")
endif()

include_guard(GLOBAL)

block(SCOPE_FOR POLICIES)
cmake_policy(VERSION 3.25)

# --- JSON helpers -----------------------------------------------------------------------------------
# string(JSON) has no way to turn a CMake string into a JSON string, so _autofix_gate_json_quote
# escapes it and every caller checks the round trip through string(JSON GET).

function(_autofix_gate_json_quote out value)
  string(REPLACE "\\" "\\\\" q "${value}")
  string(REPLACE "\"" "\\\"" q "${q}")
  string(REPLACE "\n" "\\n" q "${q}")
  string(REPLACE "\r" "\\r" q "${q}")
  string(REPLACE "\t" "\\t" q "${q}")
  set(hex "0123456789abcdef")
  foreach(code RANGE 1 31)
    string(ASCII ${code} ch)
    string(FIND "${q}" "${ch}" at)
    if(at GREATER -1)
      math(EXPR high "${code} / 16")
      math(EXPR low "${code} % 16")
      string(SUBSTRING "${hex}" ${high} 1 high)
      string(SUBSTRING "${hex}" ${low} 1 low)
      string(REPLACE "${ch}" "\\u00${high}${low}" q "${q}")
    endif()
  endforeach()
  set(${out} "\"${q}\"" PARENT_SCOPE)
endfunction()

# Sets <member> of the JSON object in <var> to the string <value>.
function(_autofix_gate_json_set_string var member value)
  _autofix_gate_json_quote(quoted "${value}")
  string(JSON doc SET "${${var}}" "${member}" "${quoted}")
  string(JSON back GET "${doc}" "${member}")
  if(NOT back STREQUAL value)
    message(FATAL_ERROR "AutofixGate.cmake: internal error: \"${value}\" did not survive JSON encoding")
  endif()
  set(${var} "${doc}" PARENT_SCOPE)
endfunction()

# Sets <member> of the JSON object in <var> to an array of the strings in the list variable <list_var>
# (a variable name, so that elements with an escaped semicolon from PARSE_ARGV stay whole).
function(_autofix_gate_json_set_strings var member list_var)
  set(array "[]")
  set(index 0)
  foreach(value IN LISTS ${list_var})
    _autofix_gate_json_quote(quoted "${value}")
    string(JSON array SET "${array}" ${index} "${quoted}")
    string(JSON back GET "${array}" ${index})
    if(NOT back STREQUAL value)
      message(FATAL_ERROR "AutofixGate.cmake: internal error: \"${value}\" did not survive JSON encoding")
    endif()
    math(EXPR index "${index} + 1")
  endforeach()
  string(JSON doc SET "${${var}}" "${member}" "${array}")
  set(${var} "${doc}" PARENT_SCOPE)
endfunction()

# Appends the JSON value <item> to the JSON array kept in GLOBAL property <property>.
function(_autofix_gate_append_global property item)
  get_property(array GLOBAL PROPERTY ${property})
  if("${array}" STREQUAL "")
    set(array "[]")
  endif()
  string(JSON length LENGTH "${array}")
  string(JSON array SET "${array}" ${length} "${item}")
  set_property(GLOBAL PROPERTY ${property} "${array}")
endfunction()

# --- argument checks ----------------------------------------------------------------------------------

# Fails when cmake_parse_arguments(<prefix> ...) left unknown arguments or keywords without values.
macro(_autofix_gate_check_parsed fn prefix)
  if(DEFINED ${prefix}_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "${fn}: unknown argument(s): ${${prefix}_UNPARSED_ARGUMENTS}")
  endif()
  if(DEFINED ${prefix}_KEYWORDS_MISSING_VALUES)
    message(FATAL_ERROR "${fn}: ${${prefix}_KEYWORDS_MISSING_VALUES} given without a value")
  endif()
endmacro()

# Fails when the configuration was already generated: later calls would be silently lost.
function(_autofix_gate_check_not_generated fn)
  get_property(generated GLOBAL PROPERTY _AUTOFIX_GATE_GENERATED_IN)
  if(generated)
    message(FATAL_ERROR "${fn}: called after autofix_gate_enable() generated the configuration at the "
                        "end of ${generated}; declare tiers and protected paths before that directory ends")
  endif()
endfunction()

# --- public functions -----------------------------------------------------------------------------------

function(autofix_gate_add_tier)
  set(keywords KIND LABELS COMMAND JUNIT REQUIRED ADVISORY TIMEOUT LANES FAIL_ON GITLEAKS)
  if(ARGC EQUAL 0 OR ARGV0 IN_LIST keywords)
    message(FATAL_ERROR "autofix_gate_add_tier: the first argument must be the tier name, "
                        "e.g. autofix_gate_add_tier(unit KIND ctest)")
  endif()
  set(name "${ARGV0}")
  set(fn "autofix_gate_add_tier(${name})")
  cmake_parse_arguments(PARSE_ARGV 1 arg "REQUIRED;ADVISORY" "KIND;JUNIT;TIMEOUT;FAIL_ON;GITLEAKS"
                        "LABELS;COMMAND;LANES")
  _autofix_gate_check_parsed("${fn}" arg)
  _autofix_gate_check_not_generated("${fn}")

  string(LENGTH "${name}" length)
  if(NOT name MATCHES "^[A-Za-z0-9_.-]+$" OR length GREATER 64)
    message(FATAL_ERROR "${fn}: bad tier name \"${name}\"; use 1 to 64 characters of A-Z a-z 0-9 _ . -")
  endif()
  get_property(names GLOBAL PROPERTY _AUTOFIX_GATE_TIER_NAMES)
  if(name IN_LIST names)
    message(FATAL_ERROR "${fn}: duplicate tier name \"${name}\"; tier names must be unique")
  endif()

  set(kinds ctest clang-tidy cppcheck sanitizers secrets command)
  if(NOT DEFINED arg_KIND)
    message(FATAL_ERROR "${fn}: KIND is missing; one of: ctest clang-tidy cppcheck sanitizers secrets command")
  endif()
  if(NOT arg_KIND IN_LIST kinds)
    message(FATAL_ERROR "${fn}: unknown KIND \"${arg_KIND}\"; one of: ctest clang-tidy cppcheck sanitizers "
                        "secrets command")
  endif()
  if(arg_REQUIRED AND arg_ADVISORY)
    message(FATAL_ERROR "${fn}: both REQUIRED and ADVISORY given; a tier is one or the other")
  endif()
  if(DEFINED arg_TIMEOUT AND (NOT arg_TIMEOUT MATCHES "^[1-9][0-9]*$" OR arg_TIMEOUT GREATER 604800))
    message(FATAL_ERROR "${fn}: bad TIMEOUT \"${arg_TIMEOUT}\"; whole seconds from 1 to 604800")
  endif()
  if(DEFINED arg_LABELS AND NOT arg_KIND MATCHES "^(ctest|sanitizers)$")
    message(FATAL_ERROR "${fn}: LABELS given for KIND ${arg_KIND}; only ctest and sanitizers tiers run tests")
  endif()
  if(arg_KIND STREQUAL "command" AND NOT DEFINED arg_COMMAND)
    message(FATAL_ERROR "${fn}: COMMAND is missing; a command tier needs the command to run")
  endif()
  if(DEFINED arg_COMMAND AND NOT arg_KIND STREQUAL "command")
    message(FATAL_ERROR "${fn}: COMMAND given for KIND ${arg_KIND}; only command tiers run a command")
  endif()
  if(DEFINED arg_JUNIT AND NOT arg_KIND STREQUAL "command")
    message(FATAL_ERROR "${fn}: JUNIT given for KIND ${arg_KIND}; only command tiers read a JUnit file")
  endif()
  if(DEFINED arg_FAIL_ON)
    if(NOT arg_KIND MATCHES "^(clang-tidy|cppcheck)$")
      message(FATAL_ERROR "${fn}: FAIL_ON given for KIND ${arg_KIND}; only clang-tidy and cppcheck tiers have "
                          "a severity threshold")
    endif()
    if(NOT arg_FAIL_ON MATCHES "^(error|warning|style|any)$")
      message(FATAL_ERROR "${fn}: unknown FAIL_ON \"${arg_FAIL_ON}\"; one of: error warning style any")
    endif()
  endif()
  if(DEFINED arg_GITLEAKS)
    if(NOT arg_KIND STREQUAL "secrets")
      message(FATAL_ERROR "${fn}: GITLEAKS given for KIND ${arg_KIND}; only a secrets tier runs gitleaks")
    endif()
    if(NOT arg_GITLEAKS MATCHES "^(auto|off)$" AND NOT IS_ABSOLUTE "${arg_GITLEAKS}")
      message(FATAL_ERROR "${fn}: bad GITLEAKS \"${arg_GITLEAKS}\"; auto, off or an absolute path (a relative "
                          "path is refused: the change could replace the file)")
    endif()
  endif()
  foreach(label IN LISTS arg_LABELS)
    if("${label}" STREQUAL "")
      message(FATAL_ERROR "${fn}: empty label in LABELS")
    endif()
  endforeach()
  foreach(lane IN LISTS arg_LANES)
    if(NOT lane MATCHES "^(docs|standard|heavy)$")
      message(FATAL_ERROR "${fn}: unknown lane \"${lane}\" in LANES; one of: docs standard heavy")
    endif()
    if(lane STREQUAL "docs" AND NOT arg_KIND MATCHES "^(secrets|command)$")
      message(FATAL_ERROR "${fn}: LANES docs given for KIND ${arg_KIND}; nothing is built in the docs lane, "
                          "so only secrets and command tiers run there")
    endif()
  endforeach()

  set(tier "{}")
  _autofix_gate_json_set_string(tier name "${name}")
  _autofix_gate_json_set_string(tier kind "${arg_KIND}")
  if(arg_ADVISORY)
    string(JSON tier SET "${tier}" required false)
  else()
    string(JSON tier SET "${tier}" required true)
  endif()
  if(DEFINED arg_TIMEOUT)
    string(JSON tier SET "${tier}" timeout ${arg_TIMEOUT})
  endif()
  if(DEFINED arg_LANES)
    list(REMOVE_DUPLICATES arg_LANES)
    _autofix_gate_json_set_strings(tier lanes arg_LANES)
  endif()
  if(DEFINED arg_LABELS)
    _autofix_gate_json_set_strings(tier labels arg_LABELS)
  endif()
  if(DEFINED arg_COMMAND)
    _autofix_gate_json_set_strings(tier command arg_COMMAND)
  endif()
  if(DEFINED arg_JUNIT)
    _autofix_gate_json_set_string(tier junit "${arg_JUNIT}")
  endif()
  if(DEFINED arg_FAIL_ON)
    _autofix_gate_json_set_string(tier fail_on "${arg_FAIL_ON}")
  endif()
  if(DEFINED arg_GITLEAKS)
    _autofix_gate_json_set_string(tier gitleaks "${arg_GITLEAKS}")
  endif()

  _autofix_gate_append_global(_AUTOFIX_GATE_TIERS "${tier}")
  set_property(GLOBAL APPEND PROPERTY _AUTOFIX_GATE_TIER_NAMES "${name}")
endfunction()

function(autofix_gate_protect)
  set(fn "autofix_gate_protect(${ARGV0})")
  if(ARGC EQUAL 0 OR NOT ARGV0 MATCHES "^(normal|high|critical)$")
    message(FATAL_ERROR "${fn}: unknown risk level \"${ARGV0}\"; the first argument is one of: normal high "
                        "critical")
  endif()
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "PATHS")
  _autofix_gate_check_parsed("${fn}" arg)
  _autofix_gate_check_not_generated("${fn}")
  if(NOT DEFINED arg_PATHS)
    message(FATAL_ERROR "${fn}: PATHS is missing; give at least one glob, e.g. PATHS src/auth/**")
  endif()
  foreach(path IN LISTS arg_PATHS)
    if("${path}" STREQUAL "")
      message(FATAL_ERROR "${fn}: empty glob in PATHS")
    endif()
  endforeach()

  set(rule "{}")
  _autofix_gate_json_set_string(rule level "${ARGV0}")
  _autofix_gate_json_set_strings(rule paths arg_PATHS)
  _autofix_gate_append_global(_AUTOFIX_GATE_PROTECT "${rule}")
endfunction()

function(autofix_gate_enable)
  set(fn "autofix_gate_enable")
  cmake_parse_arguments(PARSE_ARGV 0 arg "ALLOW_TEST_EDITS;NO_PROTECT_DEFAULTS"
                        "BASE;REPORT_DIR;FLAKY_RERUNS;TEST_TIMEOUT;CONFIG_FILE;SECRETS_ALLOWLIST" "TEST_PATHS")
  _autofix_gate_check_parsed("${fn}" arg)
  get_property(enabled_in GLOBAL PROPERTY _AUTOFIX_GATE_ENABLED_IN)
  if(enabled_in)
    message(FATAL_ERROR "${fn}: called a second time (the first call was in ${enabled_in}); "
                        "call it once, normally in the top-level CMakeLists.txt")
  endif()
  if(DEFINED arg_FLAKY_RERUNS AND (NOT arg_FLAKY_RERUNS MATCHES "^[0-9]+$" OR arg_FLAKY_RERUNS GREATER 20))
    message(FATAL_ERROR "${fn}: bad FLAKY_RERUNS \"${arg_FLAKY_RERUNS}\"; an integer from 0 to 20")
  endif()
  if(DEFINED arg_TEST_TIMEOUT AND (NOT arg_TEST_TIMEOUT MATCHES "^[1-9][0-9]*$" OR arg_TEST_TIMEOUT GREATER 604800))
    message(FATAL_ERROR "${fn}: bad TEST_TIMEOUT \"${arg_TEST_TIMEOUT}\"; whole seconds from 1 to 604800")
  endif()
  foreach(path IN LISTS arg_TEST_PATHS)
    if("${path}" STREQUAL "")
      message(FATAL_ERROR "${fn}: empty glob in TEST_PATHS")
    endif()
  endforeach()

  if(NOT DEFINED arg_REPORT_DIR)
    set(arg_REPORT_DIR "${CMAKE_BINARY_DIR}/autofix")
  endif()
  if(NOT DEFINED arg_CONFIG_FILE)
    set(arg_CONFIG_FILE "${CMAKE_BINARY_DIR}/autofix-gate.json")
  endif()
  cmake_path(ABSOLUTE_PATH arg_REPORT_DIR BASE_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}" NORMALIZE)
  cmake_path(ABSOLUTE_PATH arg_CONFIG_FILE BASE_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}" NORMALIZE)
  # NORMALIZE keeps a trailing slash; the report path is built from the directory.
  string(REGEX REPLACE "(.)/$" "\\1" arg_REPORT_DIR "${arg_REPORT_DIR}")

  set(settings "{}")
  string(JSON settings SET "${settings}" version 1)
  _autofix_gate_json_set_string(settings build_dir "${CMAKE_BINARY_DIR}")
  _autofix_gate_json_set_string(settings report_dir "${arg_REPORT_DIR}")
  if(DEFINED arg_BASE)
    _autofix_gate_json_set_string(settings base "${arg_BASE}")
  endif()
  if(DEFINED arg_FLAKY_RERUNS)
    math(EXPR reruns "${arg_FLAKY_RERUNS}")  # "007" -> 7: JSON has no leading zeros
    string(JSON settings SET "${settings}" flaky_reruns ${reruns})
  endif()
  if(DEFINED arg_TEST_TIMEOUT)
    string(JSON settings SET "${settings}" test_timeout ${arg_TEST_TIMEOUT})
  endif()
  if(arg_ALLOW_TEST_EDITS)
    string(JSON settings SET "${settings}" allow_test_edits true)
  endif()
  if(DEFINED arg_TEST_PATHS)
    _autofix_gate_json_set_strings(settings test_paths arg_TEST_PATHS)
  endif()
  if(DEFINED arg_SECRETS_ALLOWLIST)
    _autofix_gate_json_set_string(settings secrets_allowlist "${arg_SECRETS_ALLOWLIST}")
  endif()
  if(arg_NO_PROTECT_DEFAULTS)
    string(JSON settings SET "${settings}" protect_defaults false)
  else()
    string(JSON settings SET "${settings}" protect_defaults true)
  endif()

  set_property(GLOBAL PROPERTY _AUTOFIX_GATE_ENABLED_IN "${CMAKE_CURRENT_SOURCE_DIR}")
  set_property(GLOBAL PROPERTY _AUTOFIX_GATE_SETTINGS "${settings}")
  set_property(GLOBAL PROPERTY _AUTOFIX_GATE_CONFIG_FILE "${arg_CONFIG_FILE}")
  set_property(GLOBAL PROPERTY _AUTOFIX_GATE_REPORT_DIR "${arg_REPORT_DIR}")
  set_property(GLOBAL PROPERTY _AUTOFIX_GATE_BASE "${arg_BASE}")
  set_property(GLOBAL PROPERTY _AUTOFIX_GATE_SOURCE_DIR "${CMAKE_SOURCE_DIR}")
  set_property(GLOBAL PROPERTY _AUTOFIX_GATE_BINARY_DIR "${CMAKE_BINARY_DIR}")

  set(AUTOFIX_GATE_VERDICT_TIMEOUT 3600 CACHE STRING "CTest timeout of the autofix.verdict test, in seconds")
  # Everything else waits for the end of this directory: tiers may still be declared until then.
  cmake_language(DEFER CALL _autofix_gate_generate)
endfunction()

# --- deferred work -------------------------------------------------------------------------------------

# Sets <out> to the runner as add_test() takes it: $<TARGET_FILE:...> or a path.
function(_autofix_gate_find_runner out)
  if(AUTOFIX_GATE_EXECUTABLE)
    if(NOT EXISTS "${AUTOFIX_GATE_EXECUTABLE}" OR IS_DIRECTORY "${AUTOFIX_GATE_EXECUTABLE}")
      message(FATAL_ERROR "autofix_gate_enable: AUTOFIX_GATE_EXECUTABLE is \"${AUTOFIX_GATE_EXECUTABLE}\", "
                          "which is not a file; point it at an autofix-gate binary or unset it")
    endif()
    set(${out} "${AUTOFIX_GATE_EXECUTABLE}" PARENT_SCOPE)
    return()
  endif()
  foreach(target IN ITEMS AutofixGate::autofix-gate autofix-gate)
    if(TARGET ${target})
      get_target_property(type ${target} TYPE)
      if(type STREQUAL "EXECUTABLE")
        set(${out} "$<TARGET_FILE:${target}>" PARENT_SCOPE)
        return()
      endif()
    endif()
  endforeach()
  find_program(AUTOFIX_GATE_EXECUTABLE autofix-gate DOC "The autofix-gate runner used by the autofix tests")
  if(NOT AUTOFIX_GATE_EXECUTABLE)
    message(FATAL_ERROR "autofix_gate_enable: no autofix-gate runner found: no target AutofixGate::autofix-gate "
                        "or autofix-gate, and none in PATH or CMAKE_PREFIX_PATH. Use find_package(AutofixGate), "
                        "FetchContent or add_subdirectory of the AutofixGate source, or set "
                        "AUTOFIX_GATE_EXECUTABLE to the binary.")
  endif()
  set(${out} "${AUTOFIX_GATE_EXECUTABLE}" PARENT_SCOPE)
endfunction()

function(_autofix_gate_generate)
  set_property(GLOBAL PROPERTY _AUTOFIX_GATE_GENERATED_IN "${CMAKE_CURRENT_SOURCE_DIR}")
  foreach(key IN ITEMS SETTINGS CONFIG_FILE REPORT_DIR BASE SOURCE_DIR BINARY_DIR TIERS PROTECT TIER_NAMES)
    get_property(${key} GLOBAL PROPERTY _AUTOFIX_GATE_${key})
  endforeach()
  _autofix_gate_find_runner(runner)

  set(config "${SETTINGS}")
  if(NOT "${TIERS}" STREQUAL "")
    string(JSON config SET "${config}" tiers "${TIERS}")
  endif()
  if(NOT "${PROTECT}" STREQUAL "")
    string(JSON config SET "${config}" protect "${PROTECT}")
  endif()
  file(GENERATE OUTPUT "${CONFIG_FILE}" CONTENT "${config}\n")

  set(base_args)
  if(NOT "${BASE}" STREQUAL "")
    set(base_args --base "${BASE}")
  endif()
  add_test(NAME autofix.verdict
           COMMAND "${runner}" verify -C "${SOURCE_DIR}" --source-dir "${SOURCE_DIR}" --config "${CONFIG_FILE}"
                   --build-dir "${BINARY_DIR}" --report-dir "${REPORT_DIR}" ${base_args})
  set_tests_properties(autofix.verdict PROPERTIES
                       LABELS autofix RUN_SERIAL TRUE TIMEOUT "${AUTOFIX_GATE_VERDICT_TIMEOUT}")
  foreach(name IN LISTS TIER_NAMES)
    add_test(NAME "autofix.tier.${name}"
             COMMAND "${runner}" tier-status --report "${REPORT_DIR}/report.json" --tier "${name}")
    set_tests_properties("autofix.tier.${name}" PROPERTIES LABELS autofix DEPENDS autofix.verdict)
  endforeach()
endfunction()

endblock()
