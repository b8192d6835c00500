# SPDX-License-Identifier: GPL-2.0-or-later
# jsp_static_link_option(VAR): the link option that makes the launcher a static program
# with this toolchain: -static-pie, else -static, else none (a dynamic launcher). That the
# link works is not enough: Debian's musl-gcc links -static-pie without a word into a
# dynamic PIE (its specs drop the option and name musl's ld.so), so the program must also
# come out without an interpreter. Linked for real, also when cross-compiling; cached.
function(jsp_static_link_option var)
  if(NOT DEFINED CACHE{JSP_STATIC_LINK})
    set(dir ${CMAKE_BINARY_DIR}/CMakeFiles/jsp_static_link)
    set(CMAKE_TRY_COMPILE_TARGET_TYPE EXECUTABLE)
    file(WRITE ${dir}/main.c "int main(void) { return 0; }\n")
    set(found "")
    foreach(opt -static-pie -static)
      try_compile(links ${dir}/build${opt} SOURCES ${dir}/main.c
        COMPILE_DEFINITIONS -fPIE LINK_OPTIONS ${opt} COPY_FILE ${dir}/main${opt})
      set(linked ${links})
      unset(links CACHE)
      if(linked)
        # A dynamic program names its interpreter near its start (.interp).
        file(STRINGS ${dir}/main${opt} interp LIMIT_INPUT 4096 REGEX "^/.*/ld-")
        if(NOT interp)
          set(found ${opt})
          break()
        endif()
      endif()
    endforeach()
    if(found)
      message(STATUS "The launcher links with ${found}")
    else()
      message(STATUS "The launcher links dynamically: no static link works here")
    endif()
    set(JSP_STATIC_LINK "${found}" CACHE INTERNAL "the launcher's static link option")
  endif()
  set(${var} "${JSP_STATIC_LINK}" PARENT_SCOPE)
endfunction()
