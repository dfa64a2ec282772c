# Packaging: the version, the extensible structs and old names (test_abi),
# and what the shared library exports.
add_executable(test_abi package/test_abi.c)
target_compile_definitions(test_abi PRIVATE GIFLOW_TEST_PROJECT_VERSION="${PROJECT_VERSION}")
target_link_libraries(test_abi PRIVATE giflow_testutil)
add_test(NAME package_abi COMMAND test_abi)

add_test(NAME package_exports COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/package/exports.sh
         $<TARGET_FILE:giflow_shared> ${PROJECT_SOURCE_DIR}/include/giflow.h)
