# The Cortex-M0+ player under qemu (embedded/run.sh, also `make embedded`):
# per-frame RGB565 CRCs on the target equal the host's and the RGBA
# canvas's. make test installs the toolchain (scripts/deps.sh embedded);
# without it the test is left out. Once, in the release build: the
# firmware does not use this build's library.
find_program(GIFLOW_ARM_GCC arm-none-eabi-gcc)
find_program(GIFLOW_QEMU_ARM qemu-system-arm)
if(GIFLOW_ARM_GCC AND GIFLOW_QEMU_ARM AND NOT GIFLOW_SANITIZE)
  add_test(NAME embedded_player COMMAND ${CMAKE_SOURCE_DIR}/embedded/run.sh)
  set_tests_properties(embedded_player PROPERTIES
    ENVIRONMENT "CORPORA=${GIFLOW_CORPORA};EMBEDDED_BUILD=${CMAKE_BINARY_DIR}/embedded"
    PASS_REGULAR_EXPRESSION "embedded: ok" FAIL_REGULAR_EXPRESSION "FAIL" TIMEOUT 1200)
endif()
