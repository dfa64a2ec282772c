# giflow.1, from its one source docs/giflow.1.md, by a POSIX awk script.
find_program(GIFLOW_AWK NAMES awk mawk gawk REQUIRED)
add_custom_command(OUTPUT ${PROJECT_BINARY_DIR}/giflow.1
  COMMAND sh -c "\"$0\" -v version=\"$1\" -f \"$2\" \"$3\" > \"$4\""
          ${GIFLOW_AWK} ${PROJECT_VERSION} ${PROJECT_SOURCE_DIR}/scripts/md2man.awk
          ${PROJECT_SOURCE_DIR}/docs/giflow.1.md ${PROJECT_BINARY_DIR}/giflow.1
  DEPENDS ${PROJECT_SOURCE_DIR}/scripts/md2man.awk ${PROJECT_SOURCE_DIR}/docs/giflow.1.md
  COMMENT "Generating the giflow(1) man page"
  VERBATIM)
add_custom_target(giflow_man ALL DEPENDS ${PROJECT_BINARY_DIR}/giflow.1)
