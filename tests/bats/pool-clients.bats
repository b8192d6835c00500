#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 15 with real jobserver clients of Debian 12 below a wrapped command, each built
# wrapped and unwrapped in one make -j8 run: gcc 12's `-flto=auto` linking a program of 17
# units (its LTRANS jobs, one a function with -flto-partition=max), and cargo 1.65 building
# an offline workspace of 11 crates (its rustc runs). Each LTRANS job and each rustc is
# first a slot (pool.bash) in a log, through an lto1 found by `gcc -B` and RUSTC_WRAPPER
# (tests/fixtures/). Under make 4.3 both read the pipe jobserver: unwrapped they run 8 at
# once, and so must they wrapped. Under make 4.4.1's fifo neither reads it (gcc 12's
# lto-wrapper wants `--jobserver-auth=R,W`, the jobserver crate of cargo 1.65 a pipe too):
# unwrapped they run their own default (the CPUs, here 2); wrapped, never fewer. Never more
# than 8, and the pool is whole at the end.

load helpers
load tools
load pool

FIXTURES=$BATS_TEST_DIRNAME/../fixtures

# assert_as_wide PLAIN WRAPPED: under make 4.3, both logs show 8 at once; under 4.4.1 the
# wrapped one at least as many as the plain one, at most 8. JOBS: how many ran in each.
assert_as_wide() {
	local plain
	if [ "$MAKE" = "$MAKE43" ]; then
		assert_width "$1" 8 "$JOBS"
		assert_width "$2" 8 "$JOBS"
	else
		plain=$(peak_of "$1")
		assert_peak_at_most "$1" 8
		assert_peak_at_most "$2" 8
		[ "$(peak_of "$2")" -ge "$plain" ]
		[ "$("$SLOT" --peak "$BATS_TEST_TMPDIR/$2")" = "peak=$(peak_of "$2") jobs=$JOBS" ]
	fi
}

# --- gcc -flto=auto --------------------------------------------------------------------------
case_lto() {
	need_tool gcc
	"$FIXTURES/lto/units" "$BATS_TEST_TMPDIR" 16
	gcc -O2 -flto -c u*.c main.c
	mkdir lto1dir
	cp "$FIXTURES/lto/lto1" lto1dir/
	export REAL_LTO1=$(gcc -print-prog-name=lto1) LTO_N=8
	[ -x "$REAL_LTO1" ]
	JOBS=17
	pool_makefile <<'EOF'
		+@LTO_LOG=$(CURDIR)/plain.log gcc -B$(CURDIR)/lto1dir/ -O2 -flto=auto -flto-partition=max u*.o main.o -o plain
		+@LTO_LOG=$(CURDIR)/wrapped.log $(JSP) gcc -B$(CURDIR)/lto1dir/ -O2 -flto=auto -flto-partition=max u*.o main.o -o wrapped
EOF
	pool_run -j8
	[ "$(./plain)" = "$(./wrapped)" ]
	assert_as_wide plain.log wrapped.log
	assert_pool_whole 8
}
@test "make 4.3 -j8: gcc -flto=auto, 17 LTRANS jobs: wrapped 8 at once, as unwrapped" {
	need_make 43; case_lto
}
@test "make 4.4.1 -j8: gcc -flto=auto, 17 LTRANS jobs: wrapped at least as wide as unwrapped, 8 at most" {
	need_make 44; case_lto
}

# --- cargo build -----------------------------------------------------------------------------
case_cargo() {
	need_tool cargo
	cp -r "$FIXTURES/cargo-ws" ws
	export CARGO_HOME=$BATS_TEST_TMPDIR/cargo-home RUSTC_WRAPPER=$FIXTURES/rustc-slot SLOT_N=8
	# As in tools-build.bats: the ASan runtime that the sanitizer build preloads hangs
	# cargo at its start; there cargo runs without LD_PRELOAD (the launcher's claim is
	# still the sanitized one, and the reaper gives back when cargo ends).
	CARGO_ENV=
	[ "${JSP_SANITIZE:-OFF}" != ON ] || CARGO_ENV='-u LD_PRELOAD'
	export CARGO_ENV
	JOBS=11
	pool_makefile <<'EOF'
		+@SLOTLOG=$(CURDIR)/plain.log env $(CARGO_ENV) cargo build -q --offline --manifest-path ws/Cargo.toml --target-dir t1
		+@SLOTLOG=$(CURDIR)/wrapped.log $(JSP) env $(CARGO_ENV) cargo build -q --offline --manifest-path ws/Cargo.toml --target-dir t2
EOF
	pool_run -j8
	[ "$(t1/debug/app)" = 55 ] && [ "$(t2/debug/app)" = 55 ]
	assert_as_wide plain.log wrapped.log
	assert_pool_whole 8
}
@test "make 4.3 -j8: cargo build of 11 crates: wrapped 8 rustc at once, as unwrapped" {
	need_make 43; case_cargo
}
@test "make 4.4.1 -j8: cargo build of 11 crates: wrapped at least as wide as unwrapped, 8 at most" {
	need_make 44; case_cargo
}
