# Packaging: the version, the extensible structs and old names (test_abi),
# and what the shared library exports.
add_executable(test_abi package/test_abi.c)
target_compile_definitions(test_abi PRIVATE GIFLOW_TEST_PROJECT_VERSION="${PROJECT_VERSION}")
target_link_libraries(test_abi PRIVATE giflow_testutil)
add_test(NAME package_abi COMMAND test_abi)

add_test(NAME package_exports COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/package/exports.sh
         $<TARGET_FILE:giflow_shared> ${PROJECT_SOURCE_DIR}/include/giflow.h)

# Installing and using the installed copy. Not under the sanitizers: a
# consumer would need their runtime to link.
if(NOT GIFLOW_SANITIZE AND GIFLOW_BUILD_CLI)
  add_test(NAME package_install COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/package/install_test.sh
           ${PROJECT_BINARY_DIR} ${PROJECT_SOURCE_DIR})
  set_tests_properties(package_install PROPERTIES ENVIRONMENT "CC=${CMAKE_C_COMPILER}")
  add_test(NAME package_subproject COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/package/subproject_test.sh
           ${PROJECT_SOURCE_DIR})
  add_test(NAME package_options COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/package/options_test.sh
           ${PROJECT_SOURCE_DIR})
  set_tests_properties(package_options PROPERTIES ENVIRONMENT "CC=${CMAKE_C_COMPILER}"
    PASS_REGULAR_EXPRESSION "options_test: ok")
  # Compiling the library again must not slow the timed robustness checks.
  set_tests_properties(package_subproject package_install package_options PROPERTIES RUN_SERIAL ON)
  set_tests_properties(package_subproject PROPERTIES ENVIRONMENT "CC=${CMAKE_C_COMPILER}")
endif()
if(GIFLOW_BUILD_CLI)
  find_package(Python3 COMPONENTS Interpreter REQUIRED)
  add_test(NAME package_man COMMAND ${Python3_EXECUTABLE}
           ${CMAKE_CURRENT_SOURCE_DIR}/package/man_test.py $<TARGET_FILE:giflow_cli>
           ${PROJECT_SOURCE_DIR}/docs/giflow.1.md)
endif()
add_test(NAME package_make COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/package/make_test.sh ${PROJECT_SOURCE_DIR})
find_package(Python3 COMPONENTS Interpreter REQUIRED)
add_test(NAME package_docs COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/package/docs_test.py
         ${PROJECT_SOURCE_DIR} $<TARGET_FILE:test_abi>)
# The inner structure (issue 14): the parser runs no LZW, renderers not
# flags, named GIF constants and thresholds, the encoder calls downwards.
add_test(NAME package_structure COMMAND ${Python3_EXECUTABLE}
         ${CMAKE_CURRENT_SOURCE_DIR}/package/structure_test.py ${PROJECT_SOURCE_DIR})
