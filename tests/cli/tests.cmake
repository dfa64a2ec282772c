# Command-line behaviour (needs the system Python with Debian's Pillow).
find_program(GIFLOW_SYSTEM_PYTHON python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(GIFLOW_SYSTEM_PYTHON AND GIFLOW_BUILD_CLI)
  add_test(NAME cli_behaviour
           COMMAND ${GIFLOW_SYSTEM_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/cli_test.py
                   $<TARGET_FILE:giflow_cli> ${GIFLOW_CORPORA} ${CMAKE_BINARY_DIR}/cli_test)
endif()

# decode --crop / --resize (viewport decoding), against numpy.
if(GIFLOW_SYSTEM_PYTHON AND GIFLOW_BUILD_CLI)
  add_test(NAME cli_viewport
           COMMAND ${GIFLOW_SYSTEM_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/viewport_cli_test.py
                   $<TARGET_FILE:giflow_cli> ${CMAKE_BINARY_DIR}/cli_viewport_test)
endif()

# Output paths: devices, FIFOs, sockets, symlinks, write errors, signals.
if(GIFLOW_SYSTEM_PYTHON AND GIFLOW_BUILD_CLI)
  add_test(NAME cli_output
           COMMAND ${GIFLOW_SYSTEM_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/output_test.py
                   $<TARGET_FILE:giflow_cli> ${GIFLOW_CORPORA} ${CMAKE_BINARY_DIR}/cli_output_test)
endif()

# CLI conventions: the shared option parser, messages, summaries.
if(GIFLOW_SYSTEM_PYTHON AND GIFLOW_BUILD_CLI)
  add_test(NAME cli_conventions
           COMMAND ${GIFLOW_SYSTEM_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/conventions_test.py
                   $<TARGET_FILE:giflow_cli> ${GIFLOW_CORPORA} ${CMAKE_BINARY_DIR}/cli_conventions_test)
endif()

# giflow edit: corpus round trips, operations against Pillow / numpy,
# extensions byte for byte, streaming.
if(GIFLOW_SYSTEM_PYTHON AND GIFLOW_BUILD_CLI)
  add_test(NAME cli_edit
           COMMAND ${GIFLOW_SYSTEM_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/edit_test.py
                   $<TARGET_FILE:giflow_cli> ${GIFLOW_CORPORA} ${CMAKE_BINARY_DIR}/cli_edit_test
                   $<$<BOOL:${GIFLOW_SANITIZE}>:--quick>)
endif()

# decode --frame / --frames / --at (the player), against a sequential
# decode and browser timing worked out from Pillow.
if(GIFLOW_SYSTEM_PYTHON AND GIFLOW_BUILD_CLI)
  add_test(NAME cli_pick
           COMMAND ${GIFLOW_SYSTEM_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/pick_cli_test.py
                   $<TARGET_FILE:giflow_cli> ${GIFLOW_CORPORA} ${CMAKE_BINARY_DIR}/cli_pick_test)
endif()

# Issue 15: bounded memory and clear errors at the edges (crafted inputs).
if(GIFLOW_SYSTEM_PYTHON AND GIFLOW_BUILD_CLI)
  add_test(NAME cli_edges
           COMMAND ${GIFLOW_SYSTEM_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/edge_test.py
                   $<TARGET_FILE:giflow_cli> ${GIFLOW_CORPORA} ${CMAKE_BINARY_DIR}/cli_edge_test)
endif()
