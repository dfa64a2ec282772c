# The viewer page in headless Chromium against Chromium's own ImageDecoder
# (builds giflow.wasm, drives Debian's chromium with puppeteer-core). Once,
# in the release build: the sanitizer build's library is not what runs in
# the page.
if(NOT GIFLOW_SANITIZE)
  add_test(NAME web_chromium COMMAND ${CMAKE_CURRENT_LIST_DIR}/run.sh
           ${CMAKE_BINARY_DIR} ${GIFLOW_CORPORA})
  set_tests_properties(web_chromium PROPERTIES TIMEOUT 600)
endif()
