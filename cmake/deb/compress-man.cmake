# CPACK_PRE_BUILD_SCRIPTS of the Debian package (Packaging.cmake): gzip -9n every man page CPack
# installed into its staging directory (CPACK_TEMPORARY_INSTALL_DIRECTORY), as Debian policy wants.
file(GLOB_RECURSE pages "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*/share/man/man*/*.[0-9]")
foreach(page IN LISTS pages)
  execute_process(COMMAND gzip -9nf "${page}" RESULT_VARIABLE rc)
  if(rc)
    message(FATAL_ERROR "gzip -9n ${page} failed")
  endif()
endforeach()
list(LENGTH pages count)
message(STATUS "compressed ${count} man pages")
