# Debian package: `cpack -G DEB` in the build directory (after building) gives
# dax_<version>_<arch>.deb with the binary, the man pages and the shell completions.
set(CPACK_PACKAGE_NAME dax)
set(CPACK_PACKAGE_VENDOR "dax maintainers")
set(CPACK_PACKAGE_CONTACT "dax maintainers <maintainers@users.noreply.r-seed-aa1bd71c.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "turn device memory (NVDIMM, CXL, soft-reserved) into System RAM and back")
# Lines under 80 columns (lintian: extended-description-line-too-long).
string(CONCAT CPACK_PACKAGE_DESCRIPTION
  "dax switches Linux device-dax instances (/dev/daxX.Y) between devdax mode,\n"
  "a character device applications map directly, and system-ram mode, where\n"
  "the kmem driver hot-adds the memory to the kernel as RAM; it onlines and\n"
  "offlines the memory blocks of such devices. It accepts daxctl's command\n"
  "names and options and prints the same JSON.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_GENERATOR DEB)
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# CPack puts CPACK_PACKAGE_DESCRIPTION_SUMMARY first itself (lintian:
# description-synopsis-is-duplicated when it is repeated here).
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION}")
# Man pages gzipped in the package (Debian policy 12.1; lintian: uncompressed-manual-page), after
# CPack's install into its staging directory; `cmake --install` keeps them as they are.
set(CPACK_PRE_BUILD_SCRIPTS "${CMAKE_CURRENT_LIST_DIR}/deb/compress-man.cmake")
# The runtime libraries: computed by dpkg-shlibdeps (dpkg-dev) from the binary when it is
# there, else the Debian 12 packages `ldd build/dax` resolves to (dpkg -S).
#
# No libfmt: fmt is compiled into the binary (DAX_FMT_BUILTIN in CMakeLists.txt).
# Linked as a shared library, the .deb built on Debian 12 depended on libfmt9, which Debian 13 does
# not have (it has libfmt10; fmt changes its soname with every major version), so the package did
# not install there. fmt is not a system interface dax shares with anything: the built-in fmt
# costs one file of compile time and about 0.2 MB of binary, and one .deb installs on Debian 12 and 13.
# What remains (libc6, libstdc++6, libgcc-s1, libkmod2) has kept its soname on both, and
# dpkg-shlibdeps on Debian 12 asks for versions Debian 13 exceeds.
find_program(DAX_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(DAX_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
  # dax opens libkmod with dlopen (core/kernel/modules.cpp), which dpkg-shlibdeps cannot see.
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "libkmod2")
elseif(DAX_FMT_BUILTIN)
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "libc6, libgcc-s1, libkmod2, libstdc++6")
else()
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "libc6, libfmt9, libgcc-s1, libkmod2, libstdc++6")
endif()
# postinst/postrm: make udev and systemd re-read the rule and units after install and removal
# (udevadm control --reload, systemctl daemon-reload), each only where it runs (not in a chroot
# or an image build). Neither touches a device: see the scripts in cmake/deb/.
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${CMAKE_CURRENT_LIST_DIR}/deb/postinst;${CMAKE_CURRENT_LIST_DIR}/deb/postrm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# Debian policy wants /usr/share/doc/dax/copyright and, for a native package, changelog.gz
# (lintian errors without them).
set(dax_changelog ${CMAKE_CURRENT_BINARY_DIR}/deb/changelog)
configure_file(${CMAKE_CURRENT_LIST_DIR}/deb/changelog.in ${dax_changelog} @ONLY)
install(CODE "
  execute_process(COMMAND gzip -9nf \"${dax_changelog}\" -c
                  OUTPUT_FILE \"${dax_changelog}.gz\" RESULT_VARIABLE rc)
  if(rc)
    message(FATAL_ERROR \"gzip ${dax_changelog} failed\")
  endif()
")
install(FILES ${dax_changelog}.gz DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${CMAKE_CURRENT_LIST_DIR}/deb/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion")

include(CPack)
