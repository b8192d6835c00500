# SPDX-License-Identifier: GPL-2.0-or-later
"""The files the examples of the docs need, for tests/docs/run-examples.

A fixture NAME is a function NAME(dir, env, body) that makes what the block needs in dir
(real projects for the real tools: a Sphinx tree, an OpenMP program, a CMake tree, a CTest
tree) and returns a check: a function returning what is wrong with the result (a list of
reasons, empty when all is well). TOOLS[NAME] are the programs it needs.
"""
import lzma
import os
import re
import subprocess

TOOLS = {
    "sphinx": ("sphinx-build",),
    "xz": ("xz",),
    "bigtar": ("xz",),
    "pytest": ("pytest",),
    "simulate": ("gcc",),
    "cmake_sub": ("cmake",),
    "cmake-sub": ("cmake",),
    "ci_tree": ("ctest",),
    "ci-tree": ("ctest",),
    "ci": ("ctest",),
    "trace": (),
}


def write(d, name, text, mode=0o644):
    path = os.path.join(d, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def made(d, name):
    return [] if os.path.exists(os.path.join(d, name)) else [f"{name} was not made"]


def sphinx(d, env, body):
    """A Sphinx project in Documentation/; the block builds it into out/ or output/."""
    write(d, "Documentation/conf.py", "project = 'example'\n")
    for i in range(4):
        write(d, f"Documentation/page{i}.rst", f"Page {i}\n======\n\nText {i}.\n")
    write(d, "Documentation/index.rst",
          "Example\n=======\n\n.. toctree::\n\n" + "".join(f"   page{i}\n" for i in range(4)))
    out = "output" if "output" in body else "out"
    return lambda: made(d, f"{out}/index.html")


def compressed(d, src, packed):
    def check():
        if not os.path.exists(os.path.join(d, packed)):
            return [f"{packed} was not made"]
        try:
            with lzma.open(os.path.join(d, packed)) as f, open(os.path.join(d, src), "rb") as g:
                return [] if f.read() == g.read() else [f"{packed} does not hold {src}"]
        except (OSError, EOFError, lzma.LZMAError) as e:
            return [f"{packed}: {e}"]
    return check


def xz(d, env, body):
    """data, for %.xz: %; the check decompresses data.xz."""
    write(d, "data", "".join(f"line {i} of the data\n" for i in range(20000)))
    return compressed(d, "data", "data.xz")


def bigtar(d, env, body):
    """big.tar for big.tar.xz: big.tar (xz -k keeps it)."""
    write(d, "big.tar", "".join(f"record {i}\n" for i in range(20000)))
    return compressed(d, "big.tar", "big.tar.xz")


def pytest(d, env, body):
    """Tests for pytest -n (pytest-xdist)."""
    for i in range(3):
        write(d, f"test_example{i}.py", f"def test_{i}():\n    assert {i} == {i}\n")
    return lambda: []


def simulate(d, env, body):
    """./simulate, a real OpenMP program that prints its thread count to result.dat."""
    write(d, "simulate.c", "#include <omp.h>\n#include <stdio.h>\n"
          "int main(void) { printf(\"%d\\n\", omp_get_max_threads()); return 0; }\n")
    subprocess.run(["gcc", "-fopenmp", "-o", "simulate", "simulate.c"], cwd=d, env=env,
                   check=True)

    def check():
        try:
            n = int(open(os.path.join(d, "result.dat")).read())
        except (OSError, ValueError) as e:
            return [f"result.dat: {e}"]
        return [] if n >= 1 else [f"result.dat says {n} threads"]
    return check


def cmake_sub(d, env, body):
    """sub/, a CMake project configured into sub/build for cmake --build sub/build."""
    write(d, "sub/CMakeLists.txt", "cmake_minimum_required(VERSION 3.18)\nproject(sub C)\n"
          + "".join(f"add_executable(hello{i} hello.c)\n" for i in range(3)))
    write(d, "sub/hello.c", "int main(void) { return 0; }\n")
    subprocess.run(["cmake", "-S", "sub", "-B", "sub/build"], cwd=d, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return lambda: made(d, "sub/build/hello2")


def ci_tree(d, env, body):
    """A CTest tree in build/ (each test writes the CTEST_PARALLEL_LEVEL it inherited) and
    ./build-docs, a script that reads PARALLELISM. Where make ran with a jobserver and the
    library was preloaded, ctest got a count from its claim."""
    # CMake leaves a $ without braces alone: the test's shell expands it.
    write(d, "build/CTestTestfile.cmake", "".join(
        f'add_test(t{i} "sh" "-c" "echo $CTEST_PARALLEL_LEVEL > level{i}; sleep 0.3")\n'
        for i in range(4)))
    write(d, "build-docs", "#!/bin/sh\necho \"docs: ${PARALLELISM:-1} at once\" > docs.out\n",
          0o755)

    def check():
        why = made(d, "docs.out")
        levels = [open(os.path.join(d, "build", f"level{i}")).read().strip()
                  for i in range(4) if os.path.exists(os.path.join(d, "build", f"level{i}"))]
        if len(levels) != 4:
            why.append(f"ctest ran {len(levels)} of 4 tests")
        claimed = "LD_PRELOAD" in body and re.search(r'-j"\$\(nproc\)"', body) and \
            os.cpu_count() > 1
        if claimed and not all(re.fullmatch(r"[1-9][0-9]*", x) for x in levels):
            why.append(f"ctest saw CTEST_PARALLEL_LEVEL={levels}: it did not claim")
        return why
    return check


def ci(d, env, body):
    """ci_tree, and the Makefile of the CI build (the user guide shows it)."""
    check = ci_tree(d, env, body)
    write(d, "Makefile", "all: test docs\ntest:\n\t+ctest --test-dir build\n"
          "docs:\n\t+./build-docs\n")
    return check


def trace(d, env, body):
    """A Makefile with wrapped recipes, for --trace t.log make -j8 and its report."""
    write(d, "Makefile", "all: a b c\na b:\n\t+@jobserver-preload sh -c 'sleep 0.2'\n"
          "c:\n\t@sleep 0.1\n")
    return lambda: made(d, "t.log") + (made(d, "t.svg") if "--svg" in body else [])
