# CPACK_PRE_BUILD_SCRIPTS of the Debian package (Packaging.cmake): gzip -9n every man page CPack
# installed into its staging directory (CPACK_TEMPORARY_INSTALL_DIRECTORY), as Debian policy wants;
# a link to a page becomes a link to the gzipped page.
file(GLOB_RECURSE pages "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*/share/man/man*/*.[0-9]")
foreach(page IN LISTS pages)
  # A page under another name (man/CMakeLists.txt: daxctl's command names) links to the gzipped page.
  if(IS_SYMLINK "${page}")
    file(READ_SYMLINK "${page}" target)
    file(REMOVE "${page}")
    file(CREATE_LINK "${target}.gz" "${page}.gz" SYMBOLIC)
    continue()
  endif()
  execute_process(COMMAND gzip -9nf "${page}" RESULT_VARIABLE rc)
  if(rc)
    message(FATAL_ERROR "gzip -9n ${page} failed")
  endif()
endforeach()
list(LENGTH pages count)
message(STATUS "compressed ${count} man pages")
