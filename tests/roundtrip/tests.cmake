# Encoder round trips through Pillow and ImageMagick (test-only
# dependencies: python3-pil, python3-numpy, imagemagick from Debian; the
# system Python is used because it is the one Debian's Pillow belongs to).
find_program(GIFLOW_SYSTEM_PYTHON python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(GIFLOW_SYSTEM_PYTHON AND GIFLOW_BUILD_CLI)
  add_test(NAME roundtrip_decoders
           COMMAND ${GIFLOW_SYSTEM_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/roundtrip.py
                   $<TARGET_FILE:giflow_cli> ${CMAKE_BINARY_DIR}/roundtrip)
endif()
