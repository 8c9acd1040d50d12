# SPDX-License-Identifier: MIT
# One static library per folder of the gate (docs/architecture.md). A layer links only the layers below
# it, so a call across the rule does not link; tests/architecture/check_layers.py checks the includes.
function(autofix_gate_layer name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "SOURCES;LAYERS;PUBLIC;PRIVATE")
  set(target autofix_gate_${name})
  add_library(${target} STATIC ${arg_SOURCES})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR})
  target_compile_definitions(${target} PUBLIC AUTOFIX_GATE_VERSION="${PROJECT_VERSION}")
  list(TRANSFORM arg_LAYERS PREPEND autofix_gate_)
  target_link_libraries(${target} PUBLIC ${arg_LAYERS} ${arg_PUBLIC} PRIVATE ${arg_PRIVATE})
  autofix_gate_warnings(${target})
endfunction()
