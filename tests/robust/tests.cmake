# Robustness tests and the giflib differential test (tests/robust).
# Included from tests/CMakeLists.txt; the corpora are in ${GIFLOW_CORPORA}.

set(_rb ${CMAKE_CURRENT_LIST_DIR})

add_library(giflow_robust_util STATIC ${_rb}/rb_util.c)
target_link_libraries(giflow_robust_util PUBLIC giflow_testutil)
target_include_directories(giflow_robust_util PUBLIC ${_rb})
if(GIFLOW_SANITIZE)
  # Sanitizer builds are several times slower: the tests use larger time
  # limits there.
  target_compile_definitions(giflow_robust_util PUBLIC GIFLOW_ROBUST_SANITIZE=1)
endif()

add_executable(robust_nocrash ${_rb}/robust_nocrash.c)
target_link_libraries(robust_nocrash PRIVATE giflow_robust_util)
add_test(NAME robust_nocrash COMMAND robust_nocrash ${GIFLOW_CORPORA})
set_tests_properties(robust_nocrash PROPERTIES TIMEOUT 600)

add_executable(robust_chunking ${_rb}/robust_chunking.c)
target_link_libraries(robust_chunking PRIVATE giflow_robust_util)
add_test(NAME robust_chunking COMMAND robust_chunking ${GIFLOW_CORPORA})
set_tests_properties(robust_chunking PROPERTIES TIMEOUT 900)

# giflib is a test-only dependency (Debian libgif-dev). Without it the
# differential test still exists and fails, saying what is missing, so that
# the library and the other tests build everywhere.
find_path(GIFLOW_GIFLIB_INCLUDE_DIR gif_lib.h)
find_library(GIFLOW_GIFLIB_LIBRARY gif)
if(GIFLOW_GIFLIB_INCLUDE_DIR AND GIFLOW_GIFLIB_LIBRARY)
  add_executable(giflib_diff ${_rb}/giflib_diff.c)
  target_include_directories(giflib_diff PRIVATE ${GIFLOW_GIFLIB_INCLUDE_DIR})
  target_link_libraries(giflib_diff PRIVATE giflow_robust_util ${GIFLOW_GIFLIB_LIBRARY})
  add_test(NAME giflib_diff COMMAND giflib_diff ${GIFLOW_CORPORA})
  set_tests_properties(giflib_diff PROPERTIES TIMEOUT 600)
else()
  message(WARNING "giflib not found (gif_lib.h / libgif): the giflib_diff "
                  "test will fail. Install libgif-dev (scripts/deps.sh test).")
  add_test(NAME giflib_diff COMMAND sh -c
    "echo 'giflib_diff: giflib (gif_lib.h, -lgif) was not found when configuring; install libgif-dev (scripts/deps.sh test) and re-run cmake' >&2; exit 1")
endif()

# Allocation failure (issue 8): every allocation of decodes, index and
# player runs, encodes and transcodes refused in turn.
add_executable(alloc_sweep ${_rb}/alloc_sweep.c)
target_link_libraries(alloc_sweep PRIVATE giflow_testutil giflow_gifbuild)
add_test(NAME robust_alloc_sweep COMMAND alloc_sweep ${GIFLOW_CORPORA})
set_tests_properties(robust_alloc_sweep PROPERTIES TIMEOUT 300)
