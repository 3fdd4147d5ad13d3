# Runs one fuzz target for a bounded time (the `fuzz` CTest tests):
#   cmake -DFUZZER=... -DMAX_LEN=... -DWORK_DIR=... -DSEEDS="file;folder;..." -P run_fuzzer.cmake
# The seeds are copied into WORK_DIR/corpus, which the run extends (the repository is never
# written). Environment: MLP_FUZZ_SECONDS (default 60) bounds the run; MLP_FUZZ_SEED (default 1,
# 0 for a random one) seeds libFuzzer. A crash, leak, timeout or
# sanitizer report fails the test; the input that caused it is kept in WORK_DIR.
cmake_minimum_required(VERSION 3.25)

set(seconds 60)
if(DEFINED ENV{MLP_FUZZ_SECONDS})
  set(seconds $ENV{MLP_FUZZ_SECONDS})
endif()
# A fixed random seed by default, so that a test run explores the same inputs each time (a
# finding reproduces, and CI does not fail on a new machine's luck); MLP_FUZZ_SEED=0 lets
# libFuzzer pick one, which is what a longer bug hunt wants.
set(random_seed 1)
if(DEFINED ENV{MLP_FUZZ_SEED})
  set(random_seed $ENV{MLP_FUZZ_SEED})
endif()

file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR}/corpus)
foreach(seed IN LISTS SEEDS)
  if(IS_DIRECTORY ${seed})
    file(GLOB files LIST_DIRECTORIES false ${seed}/*)
  else()
    set(files ${seed})
  endif()
  foreach(file IN LISTS files)
    get_filename_component(name ${file} NAME)
    if(NOT name STREQUAL "stamp")
      file(COPY ${file} DESTINATION ${WORK_DIR}/corpus)
    endif()
  endforeach()
endforeach()

# -timeout: seconds for one input (all inputs here are a few KB); -rss_limit_mb and
# -malloc_limit_mb: a loader that allocates far beyond its input's size is a finding too.
execute_process(
  COMMAND ${FUZZER} -seed=${random_seed} -max_total_time=${seconds} -max_len=${MAX_LEN} -timeout=5 -rss_limit_mb=2048
          -malloc_limit_mb=512 -print_final_stats=1 -artifact_prefix=${WORK_DIR}/ ${WORK_DIR}/corpus
  WORKING_DIRECTORY ${WORK_DIR}
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "${FUZZER} failed (${result}); the input is in ${WORK_DIR} (crash-*, leak-*, "
                      "timeout-*, oom-*): run ${FUZZER} FILE to reproduce it")
endif()
