# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by tools-build.bats and tools-run.bats: the lines of the user guide's table ("The
# line for each tool"), each run under real make. Jobs (make and ninja rules, ctest tests,
# GNU parallel jobs, the rustc runs of cargo, sphinx's reading processes) are
# tests/tools/slot, which logs its start and end and waits for N of them to run at once:
# the peak is how many ran together. The pool is whole at the end of every run.

setup() {
	# Debian 12's tools as .ci/install-deps installs them: a pyenv python or a rustup
	# cargo earlier in PATH would test other versions than the table names.
	export PATH=/usr/bin:/bin:$PATH
	unset JOBSERVER_PRELOAD_MAX JOBSERVER_PRELOAD_EXPORT JOBSERVER_PRELOAD_DEFAULT \
		JOBSERVER_PRELOAD_VERBOSE PARALLELISM XZ_OPT ZSTD_NBTHREADS OPENBLAS_NUM_THREADS \
		OMP_NUM_THREADS PARALLEL CMAKE_BUILD_PARALLEL_LEVEL CTEST_PARALLEL_LEVEL
	export SLOT=$TOOLS/slot
	cd "$BATS_TEST_TMPDIR"
}

# tools_make N [TOOL...]: needs the tools, then runs the Makefile under $MAKE -jN with
# N (the count the line should give) and JOBS (two more jobs than that) as variables.
tools_make() {
	local n=$1
	shift
	need_tool "$@"
	jsp_make -j"$n" N="$n" JOBS="$(seq -s ' ' 1 $((n + 2)))"
	echo "$output"
	[ "$status" -eq 0 ]
}

# assert_pool N: after make -jN, the pool is whole; make -j1 has none.
assert_pool() {
	if [ "$1" -eq 1 ]; then
		grep -qx 'pool=none' <<<"$output"
	else
		assert_pool_whole "$1"
	fi
}

# assert_peak LOG N: the jobs logged in LOG ran N at once, never more.
assert_peak() {
	local got
	got=$("$SLOT" --peak "$BATS_TEST_TMPDIR/$1")
	echo "$1: $got; want peak=$2" >&2
	[[ $got == "peak=$2 "* ]]
}
