# Unit tests: the LZW module directly, everything else through the public API.
add_library(giflow_gifbuild STATIC common/gifbuild.c)
target_include_directories(giflow_gifbuild PUBLIC common)

foreach(t lzw stream compose api)
  add_executable(test_${t} unit/test_${t}.c)
  target_link_libraries(test_${t} PRIVATE giflow_testutil giflow_gifbuild)
  add_test(NAME unit_${t} COMMAND test_${t} ${GIFLOW_CORPORA})
endforeach()
