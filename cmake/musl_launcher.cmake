# SPDX-License-Identifier: GPL-2.0-or-later
# jsp_musl_launcher(TARGET...): the launchers built again with musl-gcc, statically, from
# the same sources and options (and the glibc build's answer on ld.so's $LIB: the
# commands are glibc's), in <build>/musl-launcher, and copied over the glibc ones
# each time those are linked (so every target, test and install rule stays as it is).
# Why: glibc starts every program, static ones too, by asking the CPU what it is and what
# its caches are (init_cpu_features, handle_amd or handle_intel: some 60 CPUID
# instructions), and in a virtual machine each CPUID is a trap to the host: 250 to 300 us
# a start on this project's machine, more than a claim costs (bench/README.md, "Where a
# claiming call's time goes"). musl asks nothing at start. The library that the command
# loads stays glibc's: it runs in the command, which is glibc's. No musl-gcc: the glibc
# launcher, as before.
function(jsp_musl_launcher)
  find_program(JSP_MUSL_GCC musl-gcc)
  if(NOT JSP_MUSL_GCC)
    message(STATUS "The launcher is glibc's: no musl-gcc (Debian: musl-tools)")
    return()
  endif()
  # A static PIE, as the glibc launcher is (its address random): Debian's musl-gcc links
  # -static-pie into a dynamic PIE (its specs name musl's ld.so). So we compile with gcc
  # and musl's specs file, which the musl-gcc script names, and link with a specs file of
  # ours after it: musl's rcrt1.o (the program relocates itself), no ld.so. Without
  # rcrt1.o, or with another compiler than gcc (specs files are gcc's), musl-gcc's plain
  # -static.
  file(STRINGS ${JSP_MUSL_GCC} specs REGEX "-specs")
  string(REGEX MATCH "-specs[ =]\"?([^\" ]+)" specs "${specs}")
  set(musl_specs "${CMAKE_MATCH_1}")
  get_filename_component(musl_lib "${musl_specs}" DIRECTORY)
  if(CMAKE_C_COMPILER_ID STREQUAL "GNU" AND musl_specs AND EXISTS ${musl_specs}
     AND EXISTS ${musl_lib}/rcrt1.o)
    set(ours ${CMAKE_BINARY_DIR}/musl-static-pie.specs)
    file(WRITE ${ours} "*startfile:\n%{!shared: ${musl_lib}/rcrt1.o} ${musl_lib}/crti.o crtbeginS.o%s\n\n"
      "*link:\n-nostdlib %{shared:-shared} -static -pie --no-dynamic-linker -z text\n\n")
    set(link_args -DCMAKE_C_COMPILER=${CMAKE_C_COMPILER} -DJSP_STATIC_LAUNCHER=OFF
      "-DCMAKE_C_FLAGS=-specs=${musl_specs} -specs=${ours} -fPIE ${CMAKE_C_FLAGS}")
    set(how "a static PIE")
  else()
    set(link_args -DCMAKE_C_COMPILER=${JSP_MUSL_GCC} -DJSP_STATIC_LAUNCHER=ON
      "-DCMAKE_C_FLAGS=${CMAKE_C_FLAGS}")
    set(how "static, not a PIE: no rcrt1.o beside musl-gcc's specs")
  endif()
  message(STATUS "The launcher is built with ${JSP_MUSL_GCC}, ${how}")
  include(ExternalProject)
  set(dir ${CMAKE_BINARY_DIR}/musl-launcher)
  # Under make, $(MAKE): the sub-build joins our jobserver (cmake --build would run it
  # alone at -j1, and make would warn that the jobserver is unavailable).
  if(CMAKE_GENERATOR MATCHES "Unix Makefiles")
    set(build $(MAKE) -C ${dir} ${ARGN})
  else()
    set(build ${CMAKE_COMMAND} --build ${dir} --target ${ARGN})
  endif()
  ExternalProject_Add(jsp_musl_launchers
    SOURCE_DIR ${PROJECT_SOURCE_DIR}
    BINARY_DIR ${dir}
    CMAKE_ARGS
      -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE}
      # The compiler and link above, our flags (a distribution's hardening), and a build
      # ID, which musl's specs do not ask the linker for as gcc's do.
      ${link_args}
      "-DCMAKE_EXE_LINKER_FLAGS=${CMAKE_EXE_LINKER_FLAGS} -Wl,--build-id"
      -DCMAKE_INSTALL_PREFIX=${CMAKE_INSTALL_PREFIX}
      -DCMAKE_INSTALL_BINDIR=${CMAKE_INSTALL_BINDIR}
      -DCMAKE_INSTALL_LIBDIR=${CMAKE_INSTALL_LIBDIR}
      -DJSP_WERROR=${JSP_WERROR}
      -DJSP_RAW_SYSCALLS=${JSP_RAW_SYSCALLS}
      -DJSP_LDSO_LIB=${jsp_ldso_lib}
      -DJSP_MUSL_LAUNCHER=OFF
      -DBUILD_TESTING=OFF
    BUILD_COMMAND ${build}
    BUILD_ALWAYS ON
    INSTALL_COMMAND "")
  foreach(t ${ARGN})
    add_dependencies(${t} jsp_musl_launchers)
    add_custom_command(TARGET ${t} POST_BUILD
      COMMAND ${CMAKE_COMMAND} -E copy ${dir}/$<TARGET_FILE_NAME:${t}> $<TARGET_FILE:${t}>
      VERBATIM)
  endforeach()
endfunction()
