# SPDX-License-Identifier: GPL-2.0-or-later
# The install layout and the Debian package. Included last from CMakeLists.txt, so every
# target exists here, whichever order the targets were added in.
#
#   bin/jobserver-preload, bin/jobserver-exec
#   <libdir>/jobserver-preload/libjobserver-preload.so, libjobserver-preload-trace.so
#                     (libdir: lib/<triplet> when the prefix is /usr on Debian, else lib)
#   share/man/man1/jobserver-preload.1, jobserver-exec.1 (a .so link to the first)
#   share/bash-completion/completions/jobserver-preload, jobserver-exec
#   share/doc/jobserver-preload/
#
# The launchers find the library at JSP_PKGLIBDIR_REL from their own directory, which
# holds wherever the prefix or DESTDIR is moved, because both are installed relative to it.

install(TARGETS jsp_cli jsp_exec RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS jsp_preload LIBRARY DESTINATION ${JSP_PKGLIBDIR})
# (jsp_trace, libjobserver-preload-trace.so, goes to ${JSP_PKGLIBDIR} too, beside the
# library where --trace looks for it: its install() is next to its target.)

install(FILES docs/jobserver-preload.1 docs/jobserver-exec.1
  DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES completion/jobserver-preload.bash
  DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/bash-completion/completions
  RENAME jobserver-preload)
# bash-completion loads completions/<command> on first use: the same file serves both.
install(FILES completion/jobserver-preload.bash
  DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/bash-completion/completions
  RENAME jobserver-exec)
install(FILES README.md LICENSE docs/user-guide.md docs/troubleshooting.md docs/design.md
  docs/trace.md docs/trace-example.png DESTINATION ${CMAKE_INSTALL_DOCDIR})

# cpack -G DEB in the build tree. Configure with -DCMAKE_INSTALL_PREFIX=/usr for a package
# whose compiled-in fallback path and libdir are Debian's (.ci/deb-check does).
set(CPACK_PACKAGE_NAME jobserver-preload)
set(CPACK_PACKAGE_VENDOR "jobserver-preload developers")
set(CPACK_PACKAGE_CONTACT "jobserver-preload maintainers <maintainers@users.noreply.r-seed-6b419e2e.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "give a program its fair share of a GNU make jobserver build")
set(CPACK_PACKAGE_DESCRIPTION
  "Inside make -jN, jobserver-preload CMD claims the free GNU make jobserver tokens\n\
for CMD, exports PARALLELISM=<tokens held + 1>, and gives every token back when\n\
CMD ends, however it ends. jobserver-exec is a drop-in for the Linux kernel's\n\
scripts/jobserver-exec.")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_STRIP_FILES ON) # the debug info stays in the build tree
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "make (>= 4.3), bash-completion")
# dpkg-shlibdeps (dpkg-dev) computes the libc6 version the binaries need; without it a
# fixed floor: what a Debian 12 toolchain links against (__libc_start_main@GLIBC_2.34).
find_program(JSP_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(JSP_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "libc6 (>= 2.34)")
endif()
include(CPack)
