# SPDX-License-Identifier: GPL-2.0-or-later
# The install layout (cmake --install; the Debian package is built from debian/ with
# dpkg-buildpackage, which runs this too). Included last from CMakeLists.txt, so every
# target exists here, whichever order the targets were added in.
#
#   bin/jobserver-preload, bin/jobserver-exec
#   <libdir>/jobserver-preload/libjobserver-preload.so, libjobserver-preload-trace.so
#                     (libdir: lib/<triplet> when the prefix is /usr on Debian, else lib)
#   share/man/man1/jobserver-preload.1, jobserver-exec.1 (a .so link to the first)
#   share/bash-completion/completions/jobserver-preload, jobserver-exec
#   share/zsh/site-functions/_jobserver-preload (vendor-completions/ for /usr on Debian)
#   share/fish/vendor_completions.d/jobserver-preload.fish, jobserver-exec.fish
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
# zsh reads site-functions/ under its own prefix (/usr/local/share/zsh/site-functions is in
# Debian's fpath too); Debian's zsh reads /usr/share/zsh/vendor-completions/ for packages.
# One file with #compdef for both commands.
# -DJSP_ZSH_COMPLETION_DIR=DIR (relative to the prefix) for another place.
if(NOT DEFINED JSP_ZSH_COMPLETION_DIR)
  set(JSP_ZSH_COMPLETION_DIR ${CMAKE_INSTALL_DATAROOTDIR}/zsh/site-functions)
  if(EXISTS /etc/debian_version AND CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    set(JSP_ZSH_COMPLETION_DIR ${CMAKE_INSTALL_DATAROOTDIR}/zsh/vendor-completions)
  endif()
endif()
install(FILES completion/_jobserver-preload DESTINATION ${JSP_ZSH_COMPLETION_DIR})
# fish loads vendor_completions.d/<command>.fish from every data dir (XDG_DATA_DIRS), on the
# first completion of that command.
foreach(cmd jobserver-preload jobserver-exec)
  install(FILES completion/jobserver-preload.fish
    DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/fish/vendor_completions.d RENAME ${cmd}.fish)
endforeach()
install(FILES README.md LICENSE docs/user-guide.md docs/troubleshooting.md docs/design.md
  docs/trace.md docs/trace-example.png DESTINATION ${CMAKE_INSTALL_DOCDIR})
