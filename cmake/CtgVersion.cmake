# CTG_VERSION: the version the binaries report (`--version`, start-up line)
# and the Debian package's version. From git when the source is a checkout:
#   a reachable tag vX.Y.Z      -> X.Y.Z (or X.Y.Z+git<n>.g<hash> past it)
#   no tag                      -> <project version>+git<commits>.g<hash>
# else the project version. Computed when CMake configures; a new commit
# re-runs the configuration (the HEAD log is a configure dependency).
set(CTG_VERSION ${PROJECT_VERSION})
find_package(Git QUIET)
if(GIT_FOUND)
  execute_process(COMMAND ${GIT_EXECUTABLE} describe --tags --match "v[0-9]*" --long
                  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
                  OUTPUT_VARIABLE _describe OUTPUT_STRIP_TRAILING_WHITESPACE
                  RESULT_VARIABLE _describe_rc ERROR_QUIET)
  execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --short=9 HEAD
                  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
                  OUTPUT_VARIABLE _hash OUTPUT_STRIP_TRAILING_WHITESPACE
                  RESULT_VARIABLE _hash_rc ERROR_QUIET)
  execute_process(COMMAND ${GIT_EXECUTABLE} rev-list --count HEAD
                  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
                  OUTPUT_VARIABLE _count OUTPUT_STRIP_TRAILING_WHITESPACE
                  RESULT_VARIABLE _count_rc ERROR_QUIET)
  if(_describe_rc EQUAL 0 AND _describe MATCHES "^v([0-9][^-]*)-([0-9]+)-g([0-9a-f]+)$")
    set(CTG_VERSION ${CMAKE_MATCH_1})
    if(NOT CMAKE_MATCH_2 EQUAL 0)
      set(CTG_VERSION "${CMAKE_MATCH_1}+git${CMAKE_MATCH_2}.g${CMAKE_MATCH_3}")
    endif()
  elseif(_hash_rc EQUAL 0 AND _count_rc EQUAL 0)
    set(CTG_VERSION "${PROJECT_VERSION}+git${_count}.g${_hash}")
  endif()
  execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --git-path logs/HEAD
                  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
                  OUTPUT_VARIABLE _head_log OUTPUT_STRIP_TRAILING_WHITESPACE
                  RESULT_VARIABLE _head_log_rc ERROR_QUIET)
  if(_head_log_rc EQUAL 0)
    get_filename_component(_head_log ${_head_log} ABSOLUTE BASE_DIR ${PROJECT_SOURCE_DIR})
    if(EXISTS ${_head_log})
      set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_head_log})
    endif()
  endif()
endif()
message(STATUS "ctg-gateway version ${CTG_VERSION}")

configure_file(${PROJECT_SOURCE_DIR}/base/version.cc.in
               ${PROJECT_BINARY_DIR}/generated/version.cc @ONLY)
add_library(ctg_version STATIC ${PROJECT_BINARY_DIR}/generated/version.cc)
target_include_directories(ctg_version PUBLIC ${PROJECT_SOURCE_DIR})
