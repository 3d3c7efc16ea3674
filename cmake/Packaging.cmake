# Debian package: `cpack -G DEB` in the build directory (after building) gives
# dax_<version>_<arch>.deb with the binary, the man pages and the shell completions.
set(CPACK_PACKAGE_NAME dax)
set(CPACK_PACKAGE_VENDOR "dax maintainers")
set(CPACK_PACKAGE_CONTACT "dax maintainers <maintainers@users.noreply.r-seed-aa1bd71c.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "turn device memory (NVDIMM, CXL, soft-reserved) into System RAM and back")
string(CONCAT CPACK_PACKAGE_DESCRIPTION
  "dax switches Linux device-dax instances (/dev/daxX.Y) between devdax mode, a character\n"
  "device applications map directly, and system-ram mode, where the kmem driver hot-adds\n"
  "the memory to the kernel as RAM; it onlines and offlines the memory blocks of such\n"
  "devices. It accepts daxctl's command names and options and prints the same JSON.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_GENERATOR DEB)
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION_SUMMARY}\n${CPACK_PACKAGE_DESCRIPTION}")
# The runtime libraries: computed by dpkg-shlibdeps (dpkg-dev) from the binary when it is
# there, else the Debian 12 packages `ldd build/dax` resolves to (dpkg -S).
find_program(DAX_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(DAX_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
  # dax opens libkmod with dlopen (core/kernel/modules.cpp), which dpkg-shlibdeps cannot see.
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "libkmod2")
else()
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "libc6, libfmt9, libgcc-s1, libkmod2, libstdc++6")
endif()
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion")

include(CPack)
