#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# A real OpenMP program (tests/tools/omp.c, gcc -fopenmp, libgomp) wrapped with
# --export OMP_NUM_THREADS: libgomp reads the variable in its own constructor, before any
# preloaded library's; the launcher claims before it execs. (LD_PRELOAD mode, where the
# claim comes at libgomp's getenv: runtimes.bats.)

load helpers

setup() {
	need_tool "$TOOLS/omp"
}

# omp prints threads=<omp_get_max_threads()> team=<a parallel region's size>, then runs
# `tokens count` while it still holds its tokens: its private jobserver (pool.bats) holds
# what it claimed, threads - 1.
case_export() {
	pool_makefile <<'EOF'
		+@OMP_NUM_THREADS=1 $(JSP) --export OMP_NUM_THREADS $(TOOLS)/omp $(TOKENS) count
		+@OMP_NUM_THREADS=1 $(JSP) $(TOOLS)/omp
EOF
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	local free threads
	free=$(sed -n '/^threads=/{n;p;q}' <<<"$output")
	threads=$(sed -n 's/^threads=\([0-9]*\) team=\1$/\1/p' <<<"$output" | head -1)
	echo "free while held: $free, threads: $threads" >&2
	[ -n "$free" ] && [ -n "$threads" ]
	[ "$threads" -eq $((free + 1)) ]
	[ "$threads" -eq 8 ]
	# Without --export the preset 1 stands: the count above came from the export.
	grep -qx 'threads=1 team=1' <<<"$output"
	assert_pool_whole 8
}
@test "make 4.3 -j8: --export OMP_NUM_THREADS: omp_get_max_threads() = tokens held + 1" {
	need_make 43; case_export
}
@test "make 4.4.1 -j8: --export OMP_NUM_THREADS: omp_get_max_threads() = tokens held + 1" {
	need_make 44; case_export
}

# --max 3: OpenMP gets 3 threads, and a recipe running beside it (which holds one token
# itself) finds the other 7 - 2 - 1 = 4 in the pool. The two wait for each other through
# files, each bounded to 20 s.
case_max() {
	write_makefile <<'EOF'
all: run
	+@echo pool=$$($(TOKENS) count)
run: omp beside
omp:
	+@$(JSP) --max 3 --export OMP_NUM_THREADS $(TOOLS)/omp sh -c 'touch held; i=0; while [ ! -e counted ] && [ $$i -lt 400 ]; do sleep 0.05; i=$$((i+1)); done'
beside:
	+@i=0; while [ ! -e held ] && [ $$i -lt 400 ]; do sleep 0.05; i=$$((i+1)); done; echo beside=$$($(TOKENS) count); touch counted
EOF
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx 'threads=3 team=3' <<<"$output"
	grep -qx 'beside=4' <<<"$output"
	assert_pool_whole 8
}
@test "make 4.3 -j8: --max 3: OpenMP runs 3 threads, the recipe beside it finds the rest" {
	need_make 43; case_max
}
@test "make 4.4.1 -j8: --max 3: OpenMP runs 3 threads, the recipe beside it finds the rest" {
	need_make 44; case_max
}
