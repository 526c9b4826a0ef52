# Helpers shared by every module so that targets are declared the same way.

# Warnings for project code only (generated and third-party code is exempt).
# Designated initializers leave fields defaulted on purpose, hence
# -Wno-missing-field-initializers.
set(CTG_WARNINGS -Wall -Wextra -Werror -Wshadow=local -Wnon-virtual-dtor
                 -Wno-missing-field-initializers)

# ctg_library(NAME SOURCES ... DEPS ...)
#   One static library per module, warnings as errors, includes from the
#   project root ("policy/authorization.h").
function(ctg_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_compile_options(${name} PRIVATE ${CTG_WARNINGS})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
endfunction()

# ctg_executable(NAME SOURCES ... DEPS ...)
function(ctg_executable name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_compile_options(${name} PRIVATE ${CTG_WARNINGS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
endfunction()

# ctg_test(NAME SOURCES ... DEPS ... [LABELS ...])
#   One GoogleTest binary per module; each TEST is registered with CTest
#   (gtest_discover_tests) so failures are reported one by one.
function(ctg_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_compile_options(${name} PRIVATE ${CTG_WARNINGS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} ctg_testing
                        GTest::gmock GTest::gtest GTest::gtest_main)
  include(GoogleTest)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60
                       PROPERTIES LABELS "${ARG_LABELS}")
endfunction()

# ctg_bench(NAME SOURCES ... DEPS ...)
function(ctg_bench name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_compile_options(${name} PRIVATE ${CTG_WARNINGS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} benchmark::benchmark)
endfunction()
