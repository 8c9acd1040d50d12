# SPDX-License-Identifier: MIT
# consumer.install: `cmake --install` of AutofixGate's build into a fresh PREFIX, the install tree the
# consumer tests that need the package or an installed runner use.
#   cmake -DBUILD_DIR=<build> -DPREFIX=<prefix> [-DCONFIG=<config>] -P install_fixture.cmake
foreach(var IN ITEMS BUILD_DIR PREFIX)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "install_fixture.cmake: -D${var}=... is required")
  endif()
endforeach()
file(REMOVE_RECURSE "${PREFIX}")
set(config_args)
if(CONFIG)
  set(config_args --config "${CONFIG}")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}" ${config_args}
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "install_fixture.cmake: cmake --install ${BUILD_DIR} failed (${rc})")
endif()
if(NOT EXISTS "${PREFIX}/bin/autofix-gate")
  message(FATAL_ERROR "install_fixture.cmake: ${PREFIX}/bin/autofix-gate was not installed")
endif()
# <libdir>/cmake/AutofixGate: lib, or lib/<multiarch> when the build was configured for /usr.
file(GLOB_RECURSE config LIST_DIRECTORIES false "${PREFIX}/lib*/AutofixGateConfig.cmake")
if(NOT config)
  message(FATAL_ERROR "install_fixture.cmake: no AutofixGateConfig.cmake under ${PREFIX}")
endif()
cmake_path(GET config PARENT_PATH package_dir)
foreach(file IN ITEMS AutofixGateConfigVersion.cmake AutofixGateTargets.cmake AutofixGate.cmake)
  if(NOT EXISTS "${package_dir}/${file}")
    message(FATAL_ERROR "install_fixture.cmake: ${package_dir}/${file} was not installed")
  endif()
endforeach()
