# The Python package (python/): built with `pip install` into a venv of
# Debian's Python and tested with pytest. Not under the sanitizers: the
# interpreter is not instrumented.
find_program(GIFLOW_SYSTEM_PYTHON python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(GIFLOW_SYSTEM_PYTHON AND NOT GIFLOW_SANITIZE)
  add_test(NAME python_package
           COMMAND ${CMAKE_CURRENT_LIST_DIR}/run.sh ${GIFLOW_SYSTEM_PYTHON}
                   ${CMAKE_BINARY_DIR}/python ${GIFLOW_CORPORA})
  set_tests_properties(python_package PROPERTIES TIMEOUT 900)
endif()
