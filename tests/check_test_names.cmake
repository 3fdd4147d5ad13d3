# Fails when a TEST_CASE name holds ';'. CTest keeps a discovered test's name as a CMake list, so
# such a name is split into pieces that match no test case, and the test "passes" without
# running (three did, until this check). Run by CTest: cmake -DTEST_DIR=<tests> -P <this file>.
file(GLOB_RECURSE sources "${TEST_DIR}/*.cpp")
set(found "")
foreach(source IN LISTS sources)
  file(STRINGS "${source}" lines REGEX "TEST_CASE\\(\"[^\"]*;")
  if(lines)
    string(REPLACE ";" "\\;" lines "${lines}")
    string(APPEND found "\n  ${source}: ${lines}")
  endif()
endforeach()
if(found)
  message(FATAL_ERROR "test names with ';', which CTest would split so that they never run:${found}")
endif()
