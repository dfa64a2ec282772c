# make install / cmake --install: the libraries, giflow.h, giflow.pc, the
# CMake package (find_package(giflow) -> giflow::giflow, giflow::giflow_static),
# and with the CLI, bin/giflow and its man page.
include(CMakePackageConfigHelpers)

set(GIFLOW_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/giflow)

install(TARGETS giflow_shared giflow_static EXPORT giflowTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES include/giflow.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

# giflow.pc finds its prefix from where it lies (${pcfiledir}), so the
# copy is right whatever --prefix or DESTDIR the install is given.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(GIFLOW_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
  set(GIFLOW_PC_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
else()
  file(RELATIVE_PATH _up "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
  string(REGEX REPLACE "/$" "" _up "${_up}")
  set(GIFLOW_PC_PREFIX "\${pcfiledir}/${_up}")
  set(GIFLOW_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
endif()
if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(GIFLOW_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
else()
  set(GIFLOW_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
set(GIFLOW_PC_CFLAGS "")
if(_giflow_config)
  set(GIFLOW_PC_CFLAGS " -D${_giflow_config}")
endif()
configure_file(${CMAKE_CURRENT_LIST_DIR}/giflow.pc.in ${PROJECT_BINARY_DIR}/giflow.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/giflow.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# Before 1.0 a minor release may change the ABI (giflow.h), so a request
# for 0.1 accepts 0.1.x only; from 1.0 the major version decides.
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(_compat SameMinorVersion)
else()
  set(_compat SameMajorVersion)
endif()
install(EXPORT giflowTargets NAMESPACE giflow:: DESTINATION ${GIFLOW_CMAKEDIR}
  FILE giflowTargets.cmake)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/giflowConfig.cmake.in
  ${PROJECT_BINARY_DIR}/giflowConfig.cmake INSTALL_DESTINATION ${GIFLOW_CMAKEDIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/giflowConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY ${_compat})
install(FILES ${PROJECT_BINARY_DIR}/giflowConfig.cmake
  ${PROJECT_BINARY_DIR}/giflowConfigVersion.cmake DESTINATION ${GIFLOW_CMAKEDIR})

if(GIFLOW_BUILD_CLI)
  install(TARGETS giflow_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  install(FILES ${PROJECT_BINARY_DIR}/giflow.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endif()
