#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 19: in LD_PRELOAD mode (no launcher), a selected program whose libraries read the
# names we export in their own constructors, which ld.so runs before ours, still sees the
# claimed count: the first getenv() or secure_getenv() of an exported name claims on the
# spot (docs/design.md, "Runtimes that read their variables before main"). The same
# program under a name that is not selected keeps the value it was given, so the count
# seen is the claim's doing; the tokens are whole after a normal end (at once) and after
# SIGKILL (the reaper's, within a few ms).

load helpers

PY=/usr/bin/python3 # Debian's, where python3-numpy and python3-threadpoolctl are

setup() {
	local t=$BATS_TEST_TMPDIR
	need_tool "$TOOLS/omp" "$TOOLS/ctorenv"
	cp "$TOOLS/omp" "$t/selomp"
	cp "$TOOLS/omp" "$t/otheromp"
	cp "$TOOLS/ctorenv" "$t/selctor"
	cp "$TOOLS/ctorenv" "$t/otherctor"
	if [ -x "$TOOLS/blas" ]; then
		cp "$TOOLS/blas" "$t/selcblas"
		cp "$TOOLS/blas" "$t/othercblas"
	fi
	# OpenBLAS's thread count as threadpoolctl reads it (openblas_get_num_threads()).
	cat >"$t/selblas" <<EOF2
#!$PY
import os, sys
import numpy, threadpoolctl
n = [i['num_threads'] for i in threadpoolctl.threadpool_info() if i['internal_api'] == 'openblas']
print('blas threads=%s P=%s' % (n[0] if n else 'none', os.environ.get('PARALLELISM', 'unset')), flush=True)
if sys.argv[1:] == ['kill']:
    os.kill(os.getpid(), 9)
EOF2
	chmod +x "$t/selblas"
	cp "$t/selblas" "$t/otherblas"
	export LD_PRELOAD=${LD_PRELOAD:+$LD_PRELOAD:}$LIB
	export JOBSERVER_PRELOAD_PROGRAMS=selomp:selctor:selblas:selcblas
	unset JOBSERVER_PRELOAD_MAX JOBSERVER_PRELOAD_VERBOSE PARALLELISM
}

# runs_makefile RUN1 RUN2 OTHER: RUN1 ends normally and the count right after it must be
# whole at once; RUN2 is killed and the count waits for the reaper (up to 250 x 2 ms);
# OTHER runs last, unselected.
runs_makefile() {
	write_makefile <<EOF2
COUNT = n=0; while c=\$\$(\$(TOKENS) count); [ "\$\$c" -lt 7 ] && [ \$\$n -lt 250 ]; do n=\$\$((n + 1)); sleep 0.002; done
all: other
	+@echo pool=\$\$(\$(TOKENS) count)
run1:
	+@$1
c1: run1
	+@echo "after end free=\$\$(\$(TOKENS) count)"
run2: c1
	-+@$2
c2: run2
	+@\$(COUNT); echo "after kill free=\$\$c"
other: c2
	+@$3
EOF2
}

assert_whole_after() {
	grep -qx 'after end free=7' <<<"$output"
	grep -qx 'after kill free=7' <<<"$output"
	assert_pool_whole 8
}

# libgomp reads OMP_NUM_THREADS in its constructor; omp prints omp_get_max_threads() and
# a parallel region's size, then runs its command while it holds the tokens.
case_omp() {
	need_make "$1"
	export JOBSERVER_PRELOAD_EXPORT=OMP_NUM_THREADS
	runs_makefile \
		"OMP_NUM_THREADS=1 ./selomp sh -c 'echo \"held P=\$\$PARALLELISM free=\$\$(\$(TOKENS) count)\"'" \
		"OMP_NUM_THREADS=1 ./selomp sh -c 'kill -KILL \$\$PPID'" \
		"OMP_NUM_THREADS=1 ./otheromp"
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -cx 'threads=8 team=8' <<<"$output")" -eq 2 ]
	grep -qx 'held P=8 free=7' <<<"$output" # its private jobserver holds the 7 (pool.bats)
	grep -qx 'threads=1 team=1' <<<"$output"
	assert_whole_after
}
@test "make 4.3, LD_PRELOAD: an OpenMP program's omp_get_max_threads() is PARALLELISM; pool whole after end and SIGKILL" {
	case_omp 43
}
@test "make 4.4.1, LD_PRELOAD: an OpenMP program's omp_get_max_threads() is PARALLELISM; pool whole after end and SIGKILL" {
	case_omp 44
}

# A library constructor reads an exported name with secure_getenv (the first read: it
# claims), then PARALLELISM; main reads both again. Without the export only PARALLELISM
# is ours, and its read claims.
case_ctor() {
	need_make "$1"
	export JOBSERVER_PRELOAD_EXPORT=A CTORENV_NAME=A
	runs_makefile "./selctor" "./selctor; JOBSERVER_PRELOAD_EXPORT= ./selctor" "./otherctor"
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -cx 'ctor getenv PARALLELISM=8 secure_getenv A=8' <<<"$output")" -eq 2 ]
	[ "$(grep -cx 'main PARALLELISM=8 A=8' <<<"$output")" -eq 2 ]
	grep -qx 'ctor getenv PARALLELISM=8 secure_getenv A=unset' <<<"$output"
	grep -qx 'ctor getenv PARALLELISM=unset secure_getenv A=unset' <<<"$output"
	grep -qx 'main PARALLELISM=unset A=unset' <<<"$output"
	grep -qx 'after end free=7' <<<"$output"
	assert_pool_whole 8
}
@test "make 4.3, LD_PRELOAD: a library constructor's getenv and secure_getenv of our names claim" {
	case_ctor 43
}
@test "make 4.4.1, LD_PRELOAD: a library constructor's getenv and secure_getenv of our names claim" {
	case_ctor 44
}

# OpenBLAS caps its threads at the CPUs it may run on, so the count it reports is
# min(PARALLELISM, nproc), in $cpus. The preset 1 must give way to it: that needs 2 CPUs.
blas_cpus() {
	cpus=$(nproc)
	if [ "$cpus" -lt 2 ]; then
		[ "${CI:-}" != true ] || { echo "one CPU: OpenBLAS would run 1 thread anyway" >&2; return 1; }
		skip "one CPU: OpenBLAS runs 1 thread whatever it is told"
	fi
	((cpus <= 8)) || cpus=8
	export JOBSERVER_PRELOAD_EXPORT=OPENBLAS_NUM_THREADS
}

# numpy loads OpenBLAS at `import numpy`, after our constructor.
case_blas() {
	local cpus
	need_make "$1"
	need_tool "$PY"
	"$PY" -c 'import numpy, threadpoolctl' || need_tool python3-numpy-and-threadpoolctl
	blas_cpus
	runs_makefile "OPENBLAS_NUM_THREADS=1 ./selblas" "OPENBLAS_NUM_THREADS=1 ./selblas kill" \
		"OPENBLAS_NUM_THREADS=1 ./otherblas"
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -cx "blas threads=$cpus P=8" <<<"$output")" -eq 2 ]
	grep -qx 'blas threads=1 P=unset' <<<"$output"
	assert_whole_after
}

# A C program linked with OpenBLAS: its constructor reads the variable before ours. (Both
# runs end normally: a kill is the same for the reaper as in the cases above.)
case_cblas() {
	local cpus
	need_make "$1"
	need_tool "$TOOLS/blas"
	blas_cpus
	runs_makefile "OPENBLAS_NUM_THREADS=1 ./selcblas" "OPENBLAS_NUM_THREADS=1 ./selcblas" \
		"OPENBLAS_NUM_THREADS=1 ./othercblas"
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -cx "openblas threads=$cpus P=8" <<<"$output")" -eq 2 ]
	grep -qx 'openblas threads=1 P=unset' <<<"$output"
	assert_whole_after
}
@test "make 4.3, LD_PRELOAD: a C program linked with OpenBLAS runs the claimed count of threads" {
	case_cblas 43
}
@test "make 4.4.1, LD_PRELOAD: a C program linked with OpenBLAS runs the claimed count of threads" {
	case_cblas 44
}
@test "make 4.3, LD_PRELOAD: numpy's OpenBLAS runs the claimed count of threads; pool whole after end and SIGKILL" {
	case_blas 43
}
@test "make 4.4.1, LD_PRELOAD: numpy's OpenBLAS runs the claimed count of threads; pool whole after end and SIGKILL" {
	case_blas 44
}
