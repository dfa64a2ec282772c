# Conformance runner: one program, one ctest test per corpus.
# See docs/conformance.md.
find_package(PkgConfig REQUIRED)
pkg_check_modules(SPNG REQUIRED IMPORTED_TARGET spng)

add_executable(conform
  conformance/conform.c
  conformance/set_pygif.c
  conformance/set_nia.c
  conformance/set_png.c
  conformance/set_imagegif.c
  conformance/set_libgd.c
  conformance/set_giflib.c
)
target_link_libraries(conform PRIVATE giflow_testutil PkgConfig::SPNG)

foreach(set pygif wuffs blink go peterdn imagers imagegif libgd giflib)
  add_test(NAME conform_${set} COMMAND conform ${set} ${GIFLOW_CORPORA})
  set_tests_properties(conform_${set} PROPERTIES LABELS conformance TIMEOUT 300)
endforeach()
