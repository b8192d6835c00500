# SPDX-License-Identifier: GPL-2.0-or-later
# Does ld.so expand $LIB to our libdir? Then the installed launcher writes LD_PRELOAD as
# <prefix>/$LIB/jobserver-preload/libjobserver-preload.so, and ld.so picks the directory
# per program class: a 32-bit program in a wrapped tree loads the 32-bit build installed
# beside the 64-bit one (Debian: /usr/lib/i386-linux-gnu/...) instead of failing to load
# the 64-bit one ("wrong ELF class"). $LIB is glibc's (ld.so(8), "Dynamic string tokens");
# what it expands to is built into each ld.so (Debian: lib/<triplet>; Fedora: lib64; musl
# has no $LIB), so it is probed: a program runs with a library preloaded through
# <dir>/$LIB/, which exists only as <dir>/<libdir>/. A cross build cannot run the probe:
# -DJSP_LDSO_LIB=ON says that $LIB is the libdir (debian/rules does), OFF that it is not.
set(JSP_LDSO_LIB AUTO CACHE STRING "ld.so expands \$LIB to CMAKE_INSTALL_LIBDIR: ON, OFF, AUTO (probe)")

function(jsp_probe_ldso_lib out)
  set(dir ${CMAKE_BINARY_DIR}/ldso-lib-probe)
  set(libdir ${dir}/root/${CMAKE_INSTALL_LIBDIR})
  file(MAKE_DIRECTORY ${libdir})
  file(WRITE ${dir}/lib.c "#include <unistd.h>\n"
    "__attribute__((constructor)) static void said(void) { write(1, \"loaded\", 6); }\n")
  file(WRITE ${dir}/main.c "int main(void) { return 0; }\n")
  separate_arguments(flags UNIX_COMMAND "${CMAKE_C_FLAGS}")
  execute_process(COMMAND ${CMAKE_C_COMPILER} ${flags} -shared -fPIC -o ${libdir}/probe.so ${dir}/lib.c
    RESULT_VARIABLE r1 OUTPUT_QUIET ERROR_QUIET)
  execute_process(COMMAND ${CMAKE_C_COMPILER} ${flags} -o ${dir}/main ${dir}/main.c
    RESULT_VARIABLE r2 OUTPUT_QUIET ERROR_QUIET)
  set(said "")
  if(r1 EQUAL 0 AND r2 EQUAL 0)
    execute_process(COMMAND env "LD_PRELOAD=${dir}/root/$LIB/probe.so" ${dir}/main
      OUTPUT_VARIABLE said ERROR_QUIET)
  endif()
  file(REMOVE_RECURSE ${dir})
  if(said STREQUAL "loaded")
    set(${out} ON PARENT_SCOPE)
  else()
    set(${out} OFF PARENT_SCOPE)
  endif()
endfunction()

set(jsp_ldso_lib ${JSP_LDSO_LIB})
if(jsp_ldso_lib STREQUAL "AUTO")
  if(CMAKE_CROSSCOMPILING OR IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
    set(jsp_ldso_lib OFF)
  elseif(JSP_LDSO_LIB_PROBED STREQUAL "${CMAKE_C_COMPILER} ${CMAKE_C_FLAGS} ${CMAKE_INSTALL_LIBDIR}")
    set(jsp_ldso_lib ${JSP_LDSO_LIB_RESULT})
  else()
    jsp_probe_ldso_lib(jsp_ldso_lib)
    message(STATUS "ld.so expands \$LIB to ${CMAKE_INSTALL_LIBDIR}: ${jsp_ldso_lib}")
    set(JSP_LDSO_LIB_RESULT ${jsp_ldso_lib} CACHE INTERNAL "")
    set(JSP_LDSO_LIB_PROBED "${CMAKE_C_COMPILER} ${CMAKE_C_FLAGS} ${CMAKE_INSTALL_LIBDIR}" CACHE INTERNAL "")
  endif()
endif()
if(jsp_ldso_lib AND NOT IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  foreach(t jsp_cli jsp_exec)
    target_compile_definitions(${t} PRIVATE JSP_LDSO_LIBDIR="${CMAKE_INSTALL_LIBDIR}")
  endforeach()
endif()
