# Unit tests: the LZW module directly, everything else through the public API.
add_library(giflow_gifbuild STATIC common/gifbuild.c)
target_include_directories(giflow_gifbuild PUBLIC common)

foreach(t lzw stream compose api quant viewport source display player)
  add_executable(test_${t} unit/test_${t}.c)
  target_link_libraries(test_${t} PRIVATE giflow_testutil giflow_gifbuild)
  add_test(NAME unit_${t} COMMAND test_${t} ${GIFLOW_CORPORA})
endforeach()

# Temporal denoising: the internal module and the encoder with it.
add_executable(test_denoise unit/test_denoise.c)
target_link_libraries(test_denoise PRIVATE giflow_testutil m)
add_test(NAME unit_denoise COMMAND test_denoise)

# The pixel pass: every vector path and the portable one against a plain
# reference (the source file is included, so it needs only the includes).
add_executable(test_pixels unit/test_pixels.c)
target_include_directories(test_pixels PRIVATE common ${CMAKE_SOURCE_DIR}/include)
add_test(NAME unit_pixels COMMAND test_pixels)
# The NEON paths, cross-built for ARM64 and run under qemu (scripts/deps.sh
# test installs both).
find_program(GIFLOW_AARCH64_CC aarch64-linux-gnu-gcc)
find_program(GIFLOW_QEMU_AARCH64 qemu-aarch64)
if(GIFLOW_AARCH64_CC AND GIFLOW_QEMU_AARCH64)
  add_custom_command(OUTPUT test_pixels_arm64
    COMMAND ${GIFLOW_AARCH64_CC} -std=c11 -O2 -Wall -Wextra -Werror -static
            -I${CMAKE_SOURCE_DIR}/tests/common -I${CMAKE_SOURCE_DIR}/include
            ${CMAKE_SOURCE_DIR}/tests/unit/test_pixels.c -o test_pixels_arm64
    DEPENDS unit/test_pixels.c ${CMAKE_SOURCE_DIR}/src/decode/pixels.c
            ${CMAKE_SOURCE_DIR}/src/decode/pixels.h)
  add_custom_target(test_pixels_arm64_bin ALL DEPENDS test_pixels_arm64)
  add_test(NAME unit_pixels_arm64 COMMAND ${GIFLOW_QEMU_AARCH64} ${CMAKE_CURRENT_BINARY_DIR}/test_pixels_arm64)
  set_tests_properties(unit_pixels_arm64 PROPERTIES PASS_REGULAR_EXPRESSION "neon +[1-9][0-9]* cases")
endif()

# The LZW encoder is checked against giflib (a test-only dependency).
find_path(GIFLOW_GIFLIB_INCLUDE_DIR gif_lib.h)
find_library(GIFLOW_GIFLIB_LIBRARY gif)
if(GIFLOW_GIFLIB_INCLUDE_DIR AND GIFLOW_GIFLIB_LIBRARY)
  add_executable(test_lzwenc unit/test_lzwenc.c)
  target_include_directories(test_lzwenc PRIVATE ${GIFLOW_GIFLIB_INCLUDE_DIR})
  target_link_libraries(test_lzwenc PRIVATE giflow_testutil giflow_gifbuild ${GIFLOW_GIFLIB_LIBRARY})
  add_test(NAME unit_lzwenc COMMAND test_lzwenc)
  add_executable(test_encode unit/test_encode.c)
  target_compile_definitions(test_encode PRIVATE _GNU_SOURCE)
  target_include_directories(test_encode PRIVATE ${GIFLOW_GIFLIB_INCLUDE_DIR})
  target_link_libraries(test_encode PRIVATE giflow_testutil ${GIFLOW_GIFLIB_LIBRARY} m)
  add_test(NAME unit_encode COMMAND test_encode)
endif()

# Bounded work on hostile input: metadata limits, zeroed canvases (issue 15).
add_executable(test_limits unit/test_limits.c)
target_link_libraries(test_limits PRIVATE giflow_testutil giflow_gifbuild)
add_test(NAME unit_limits COMMAND test_limits ${GIFLOW_CORPORA})

# Fuzzer crashers and other past failures, fed whole and byte by byte.
add_executable(test_regressions unit/test_regressions.c)
target_link_libraries(test_regressions PRIVATE giflow_testutil)
add_test(NAME unit_regressions COMMAND test_regressions ${CMAKE_SOURCE_DIR}/tests/regressions)

# The README's example is built and run; its expected output comes from
# Wuffs' notes on animated-red-blue.gif (4 frames, last rect 49x40 at 15,0,
# NETSCAPE loop value 2).
add_executable(example_decode_file ${CMAKE_SOURCE_DIR}/examples/decode_file.c)
target_link_libraries(example_decode_file PRIVATE giflow_static)
add_test(NAME example_decode_file COMMAND example_decode_file
         ${GIFLOW_CORPORA}/wuffs/test/data/animated-red-blue.gif)
set_tests_properties(example_decode_file PROPERTIES PASS_REGULAR_EXPRESSION
  "frame 0: 64x48 at 0,0, shown 100 ms.*frame 1: 37x9 at 15,31.*frame 3: 49x40 at 15,0, shown 400 ms.*end of stream, loop count 2")
# The README shows that file verbatim.
find_package(Python3 COMPONENTS Interpreter REQUIRED)
add_test(NAME readme_example COMMAND ${Python3_EXECUTABLE} -c
  "import sys; r=open(sys.argv[1]).read(); e=open(sys.argv[2]).read(); sys.exit(0 if '```c\\n'+e+'```' in r else 1)"
  ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/examples/decode_file.c)

# The demo's streaming encoder example, built with the suite and run small.
add_executable(example_encode_stream ${CMAKE_SOURCE_DIR}/examples/encode_stream.c)
target_link_libraries(example_encode_stream PRIVATE giflow_static m)
add_test(NAME example_encode_stream COMMAND example_encode_stream
         ${CMAKE_BINARY_DIR}/example_encode_stream.gif 40 96 64)

# The transcoder: the fuzz target's oracles over every corpus file (its
# allocation-failure sweep is robust_alloc_sweep).
add_executable(test_transcode unit/test_transcode.c ${CMAKE_SOURCE_DIR}/fuzz/fuzz_transcode.c)
target_include_directories(test_transcode PRIVATE ${CMAKE_SOURCE_DIR}/fuzz)
target_link_libraries(test_transcode PRIVATE giflow_testutil)
add_test(NAME unit_transcode COMMAND test_transcode ${GIFLOW_CORPORA})
