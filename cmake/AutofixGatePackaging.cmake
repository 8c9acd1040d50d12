# SPDX-License-Identifier: MIT
# The Debian package (docs/packaging.md): install rules for what a user gets beyond the binary and the CMake
# package (man page, shell completions, docs, examples, copyright, changelog) and the CPack configuration of
# `cmake --build <build> --target package` (cpack -G DEB). Included by the top-level CMakeLists.txt when
# AUTOFIX_GATE_INSTALL is on, after the install rules of the binary and the CMake package.
#
# Components: everything `cmake --install` installs is in the default component ("Unspecified") or
# "cmake_package" (<libdir>/cmake/AutofixGate); the .deb takes "Unspecified" and "deb_cmake_package", the same
# CMake package files under lib/<multiarch>/cmake/AutofixGate, where Debian's CMake looks (GNUInstallDirs
# gives lib/<multiarch> only for a /usr prefix, and a build is configured for /usr/local).

include_guard(GLOBAL)

set(_autofix_gate_doc_dir "${CMAKE_INSTALL_DATADIR}/doc/autofix-gate")
set(_autofix_gate_generated "${PROJECT_BINARY_DIR}/packaging")

# The man page, generated from the built binary's --help of every subcommand (cmake/GenerateManPage.cmake),
# gzipped as Debian wants it (-n: no name or time stamp, so the same page gives the same bytes).
find_program(AUTOFIX_GATE_GZIP gzip)
if(NOT AUTOFIX_GATE_GZIP)
  message(FATAL_ERROR "AutofixGate: gzip not found; it compresses the man page and changelog that are installed")
endif()
set(_autofix_gate_man "${_autofix_gate_generated}/autofix-gate.1")
add_custom_command(OUTPUT "${_autofix_gate_man}" "${_autofix_gate_man}.gz"
  COMMAND "${CMAKE_COMMAND}" "-DGATE=$<TARGET_FILE:autofix-gate>" "-DVERSION=${PROJECT_VERSION}"
          "-DEXIT_CODES=${PROJECT_SOURCE_DIR}/docs/exit-codes.md" "-DOUT=${_autofix_gate_man}"
          -P "${PROJECT_SOURCE_DIR}/cmake/GenerateManPage.cmake"
  COMMAND "${AUTOFIX_GATE_GZIP}" -9 -n -f -k "${_autofix_gate_man}"
  DEPENDS autofix-gate "${PROJECT_SOURCE_DIR}/cmake/GenerateManPage.cmake" "${PROJECT_SOURCE_DIR}/cmake/AutofixGateHelp.cmake"
          "${PROJECT_SOURCE_DIR}/docs/exit-codes.md"
  COMMENT "Generating the man page autofix-gate(1) from autofix-gate --help"
  VERBATIM)
# Debian's changelog.gz: the released versions of CHANGELOG.md in the Debian changelog format.
set(_autofix_gate_changelog "${_autofix_gate_generated}/changelog.gz")
set(AUTOFIX_GATE_MAINTAINER "AutofixGate maintainers <maintainers@users.noreply.b-seed-d7bc1695.example>")
add_custom_command(OUTPUT "${_autofix_gate_changelog}"
  COMMAND "${CMAKE_COMMAND}" "-DCHANGELOG=${PROJECT_SOURCE_DIR}/CHANGELOG.md" -DPACKAGE=autofix-gate
          "-DMAINTAINER=${AUTOFIX_GATE_MAINTAINER}" "-DOUT=${_autofix_gate_generated}/changelog"
          -P "${PROJECT_SOURCE_DIR}/cmake/GenerateDebianChangelog.cmake"
  COMMAND "${AUTOFIX_GATE_GZIP}" -9 -n -f "${_autofix_gate_generated}/changelog"
  DEPENDS "${PROJECT_SOURCE_DIR}/CHANGELOG.md" "${PROJECT_SOURCE_DIR}/cmake/GenerateDebianChangelog.cmake"
  COMMENT "Generating the Debian changelog from CHANGELOG.md"
  VERBATIM)
# The bash and zsh completions: the templates in completions/ with the subcommands, options and values of
# the built binary's --help (cmake/GenerateCompletions.cmake).
set(_autofix_gate_bash_completion "${_autofix_gate_generated}/autofix-gate.bash")
set(_autofix_gate_zsh_completion "${_autofix_gate_generated}/_autofix-gate")
add_custom_command(OUTPUT "${_autofix_gate_bash_completion}" "${_autofix_gate_zsh_completion}"
  COMMAND "${CMAKE_COMMAND}" "-DGATE=$<TARGET_FILE:autofix-gate>" "-DSOURCE_DIR=${PROJECT_SOURCE_DIR}"
          "-DOUT_DIR=${_autofix_gate_generated}" -P "${PROJECT_SOURCE_DIR}/cmake/GenerateCompletions.cmake"
  DEPENDS autofix-gate "${PROJECT_SOURCE_DIR}/cmake/GenerateCompletions.cmake" "${PROJECT_SOURCE_DIR}/cmake/AutofixGateHelp.cmake"
          "${PROJECT_SOURCE_DIR}/completions/autofix-gate.bash.in" "${PROJECT_SOURCE_DIR}/completions/_autofix-gate.in"
  COMMENT "Generating the bash and zsh completions from autofix-gate --help"
  VERBATIM)
add_custom_target(autofix_gate_packaging_files ALL
  DEPENDS "${_autofix_gate_man}.gz" "${_autofix_gate_changelog}" "${_autofix_gate_bash_completion}"
          "${_autofix_gate_zsh_completion}")

install(FILES "${_autofix_gate_man}.gz" DESTINATION "${CMAKE_INSTALL_MANDIR}/man1")
install(FILES "${_autofix_gate_bash_completion}"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/bash-completion/completions" RENAME autofix-gate)
install(FILES "${_autofix_gate_zsh_completion}" DESTINATION "${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions")
install(FILES README.md "${PROJECT_SOURCE_DIR}/packaging/copyright" "${_autofix_gate_changelog}"
        DESTINATION "${_autofix_gate_doc_dir}")
install(DIRECTORY docs/ DESTINATION "${_autofix_gate_doc_dir}/docs")
# Examples as data: scripts keep no executable bit under /usr/share/doc (Debian policy 12.6), run them with
# bash; no .gitignore (lintian: package-contains-vcs-control-file).
install(DIRECTORY examples/ DESTINATION "${_autofix_gate_doc_dir}/examples"
        FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
        PATTERN .gitignore EXCLUDE)

# The CMake package once more, at the Debian place, for the .deb only.
if(CMAKE_LIBRARY_ARCHITECTURE)
  set(_autofix_gate_deb_cmake_dir "lib/${CMAKE_LIBRARY_ARCHITECTURE}/cmake/AutofixGate")
else()
  set(_autofix_gate_deb_cmake_dir "${AUTOFIX_GATE_CMAKE_INSTALL_DIR}")
endif()
install(EXPORT AutofixGateTargets NAMESPACE AutofixGate:: DESTINATION "${_autofix_gate_deb_cmake_dir}"
        COMPONENT deb_cmake_package EXCLUDE_FROM_ALL)
install(FILES "${PROJECT_BINARY_DIR}/AutofixGateConfig.cmake" "${PROJECT_BINARY_DIR}/AutofixGateConfigVersion.cmake"
              cmake/AutofixGate.cmake
        DESTINATION "${_autofix_gate_deb_cmake_dir}" COMPONENT deb_cmake_package EXCLUDE_FROM_ALL)

# CPack: one .deb with the default component and the Debian CMake package files.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME autofix-gate)
set(CPACK_PACKAGE_VENDOR "The AutofixGate contributors")
set(CPACK_PACKAGE_CONTACT "${AUTOFIX_GATE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "test gate that accepts or rolls back automated fixes of C/C++ code")
string(CONCAT CPACK_PACKAGE_DESCRIPTION
  "AutofixGate is a CMake-integrated test gate for automated fixes of C and C++\n"
  "code (AI agents, clang-tidy --fix, codemods, dependency bots). Every fix\n"
  "attempt takes an exact snapshot of the work tree, builds and tests the tree\n"
  "without and with the fix, and either accepts the fix or restores the tree\n"
  "byte for byte.\n"
  "The package holds the autofix-gate command, its CMake package\n"
  "(find_package(AutofixGate)), the man page, bash and zsh completion, the\n"
  "documentation and the examples.")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_GROUPING ALL_COMPONENTS_IN_ONE)
set(CPACK_COMPONENTS_ALL Unspecified deb_cmake_package)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "cmake, git")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "clang-tidy, cppcheck")
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
include(CPack)
