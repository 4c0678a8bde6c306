# Helpers that give every layer the same shape: one static library named
# felix_<layer> whose public header is reached as <layer>/<layer>.h, and one
# GoogleTest binary per layer registered with ctest under a label.
include(GoogleTest)

function(felix_layer name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(felix_${name} STATIC ${ARG_SOURCES})
  target_include_directories(felix_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(felix_${name} PUBLIC ${ARG_DEPS})
endfunction()

# felix_layer_test(<layer> LABEL <label> SOURCES ... [DEPS ...])
function(felix_layer_test name)
  cmake_parse_arguments(ARG "" "LABEL" "SOURCES;DEPS" ${ARGN})
  if(NOT ARG_LABEL)
    set(ARG_LABEL unit)
  endif()
  add_executable(${name}_test ${ARG_SOURCES})
  target_link_libraries(${name}_test PRIVATE felix_${name} ${ARG_DEPS}
                        GTest::gmock GTest::gtest_main)
  set_target_properties(${name}_test PROPERTIES RUNTIME_OUTPUT_DIRECTORY
                        ${CMAKE_BINARY_DIR}/tests)
  gtest_discover_tests(${name}_test PROPERTIES LABELS ${ARG_LABEL}
                       DISCOVERY_TIMEOUT 60)
endfunction()
