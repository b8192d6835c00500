#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Fair shares (--fair, JOBSERVER_PRELOAD_FAIR=1): wrapped tools that start together split
# what is free evenly; a lone tool still gets everything; --no-fair and FAIR=0 claim as
# ever; bad values are refused (the launcher: 125; the library: said, no claim); a tool
# killed while it waits in the window leaves the pool whole; a sandbox that denies the
# state file means the claim as without --fair. Under real make 4.3 and 4.4.1.

load helpers
bats_require_minimum_version 1.5.0

setup() {
	unset JOBSERVER_PRELOAD_FAIR JOBSERVER_PRELOAD_MAX JOBSERVER_PRELOAD_MIN
	unset JOBSERVER_PRELOAD_VERBOSE JOBSERVER_PRELOAD_PROGRAMS
}

# three_makefile OPTS: three wrapped tools (jobserver-preload OPTS) that start together at
# make's start and hold their tokens 0.3 s, then the pool is counted.
three_makefile() {
	{
		printf 'all: t1 t2 t3\n\t+@echo pool=$$(%s count)\n' "$TOKENS"
		printf "t1 t2 t3: ; +@%s %s sh -c 'echo \"\$@ P=\$\$PARALLELISM\"; sleep 0.3'\n" "$JSP" "$1"
	} | write_makefile
}

# shares: the three PARALLELISMs printed, one a line.
shares() {
	sed -n 's/^t[123] P=\([0-9]*\)$/\1/p' <<<"$output"
}

case_three() {
	three_makefile "$1"
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(shares | wc -l)" -eq 3 ]
	local p sum=0
	for p in $(shares); do
		[ "$p" -ge 2 ] && [ "$p" -le 4 ]
		sum=$((sum + p - 1))
	done
	[ "$sum" -le 7 ]
	assert_pool_whole 8
}
@test "make 4.3 -j8: three tools started together with --fair get a fair split" {
	need_make 43; case_three --fair
}
@test "make 4.4.1 -j8: three tools started together with --fair get a fair split" {
	need_make 44; case_three --fair
}
@test "make 4.4.1 -j8: JOBSERVER_PRELOAD_FAIR=1 does as --fair" {
	need_make 44
	export JOBSERVER_PRELOAD_FAIR=1
	case_three ""
}

# Without fairness the first claimant takes what is free: one tool has more than 4.
case_unfair() {
	three_makefile "$1"
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(shares | sort -n | tail -1)" -ge 5 ]
	assert_pool_whole 8
}
@test "make 4.3 -j8: --no-fair (over JOBSERVER_PRELOAD_FAIR=1) claims as today" {
	need_make 43
	export JOBSERVER_PRELOAD_FAIR=1
	case_unfair --no-fair
}
@test "make 4.4.1 -j8: JOBSERVER_PRELOAD_FAIR=0 claims as today" {
	need_make 44
	export JOBSERVER_PRELOAD_FAIR=0
	case_unfair ""
}
@test "make 4.4.1 -j8: no option, no variable (the default): claims as today" {
	need_make 44; case_unfair ""
}

# A lone tool with --fair waits out the window (10 ms) and takes every free token.
case_lone() {
	{
		printf 'all: t1\n\t+@echo pool=$$(%s count)\n' "$TOKENS"
		printf "t1: ; +@%s -v --fair sh -c 'echo \"\$@ P=\$\$PARALLELISM\"'\n" "$JSP"
	} | write_makefile
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx 't1 P=8' <<<"$output"
	grep -q -- '--fair: 7 tokens of .* free, 1 owner of the window still to claim: taking at most 7' <<<"$output"
	assert_pool_whole 8
}
@test "make 4.3 -j8: a lone tool with --fair gets everything free" {
	need_make 43; case_lone
}
@test "make 4.4.1 -j8: a lone tool with --fair gets everything free" {
	need_make 44; case_lone
}

# Bad values: the launcher refuses them (125, naming the variable and the fix); the library
# says so when verbose and claims nothing.
case_bad_launcher() {
	{
		printf 'all: ; +@JOBSERVER_PRELOAD_FAIR=%s %s true; echo "status=$$?"\n' "$1" "$JSP"
	} | write_makefile
	jsp_make -j8
	echo "$output"
	grep -qx 'status=125' <<<"$output"
	grep -q "JOBSERVER_PRELOAD_FAIR=$1 is neither 1 (on) nor 0 (off); set it to 1 (--fair) or 0 (--no-fair)" <<<"$output"
}
@test "make 4.3: JOBSERVER_PRELOAD_FAIR=yes: the launcher exits 125 naming it" {
	need_make 43; case_bad_launcher yes
}
@test "make 4.4.1: JOBSERVER_PRELOAD_FAIR=2: the launcher exits 125 naming it" {
	need_make 44; case_bad_launcher 2
}

case_bad_ldpreload() {
	printf '#!/bin/sh\necho "ftool P=${PARALLELISM:-unset}"\n' >"$BATS_TEST_TMPDIR/ftool"
	chmod +x "$BATS_TEST_TMPDIR/ftool"
	{
		printf 'all: t\n\t+@echo pool=$$(%s count)\n' "$TOKENS"
		printf 't: ; +@LD_PRELOAD=$${LD_PRELOAD:+$$LD_PRELOAD:}%s JOBSERVER_PRELOAD_PROGRAMS=ftool ' "$LIB"
		printf 'JOBSERVER_PRELOAD_FAIR=%s JOBSERVER_PRELOAD_VERBOSE=1 ./ftool\n' "$1"
	} | write_makefile
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx 'ftool P=unset' <<<"$output"
	grep -q "JOBSERVER_PRELOAD_FAIR=$1 is neither 1 (on) nor 0 (off); not claiming: set it to 1 (--fair) or 0 (--no-fair), or unset it" <<<"$output"
	assert_pool_whole 8
}
@test "make 4.3, LD_PRELOAD by hand: JOBSERVER_PRELOAD_FAIR=on: said, no claim" {
	need_make 43; case_bad_ldpreload on
}
@test "make 4.4.1, LD_PRELOAD by hand: JOBSERVER_PRELOAD_FAIR=on: said, no claim" {
	need_make 44; case_bad_ldpreload on
}
@test "the launcher: --fair takes no argument" {
	run "$JSP" --fair=1 true
	[ "$status" -eq 125 ]
	# getopt_long's own words: glibc's, or musl's (the launcher is musl's where
	# musl-gcc is there: cmake/musl_launcher.cmake). Either names the option.
	grep -qE "option '--fair' doesn't allow an argument|option does not take an argument: fair" <<<"$output"
}

# A tool stopped in the window (the test library's JOBSERVER_PRELOAD_TEST_STOP=fair-wait),
# then SIGKILLed: it held nothing (7 free), and once it is gone a --fair tool opens a new
# window and gets everything: the dead one is not counted as a claimant.
case_kill() {
	need_tool "$TOOLS/victim"
	local testlib=$JSP_BUILD/tests/libjobserver-preload-test.so
	[ -f "$testlib" ] || { echo "no $testlib: build the tests" >&2; return 1; }
	{
		printf 'RUN = LD_PRELOAD=$${LD_PRELOAD:+$$LD_PRELOAD:}%s JOBSERVER_PRELOAD_PROGRAMS=victim JOBSERVER_PRELOAD_FAIR=1\n' "$testlib"
		printf 'all: after\n\t+@echo pool=$$(%s count)\n' "$TOKENS"
		printf 'job:\n\t+@$(RUN) JOBSERVER_PRELOAD_TEST_STOP=fair-wait %s sleep > v.out & v=$$!; \\\n' "$TOOLS/victim"
		printf '\tuntil read -r _ _ st _ < /proc/$$v/stat && [ "$$st" = T ]; do sleep 0.001; done; \\\n'
		printf '\techo "out=$$(%s count)"; kill -KILL $$v; wait $$v; echo "status=$$?"\n' "$TOKENS"
		printf "after: job\n\t+@%s --fair sh -c 'echo \"after P=\$\$PARALLELISM\"'\n" "$JSP"
	} | write_makefile
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx 'out=7' <<<"$output"
	grep -qx 'status=137' <<<"$output"
	[ ! -s "$BATS_TEST_TMPDIR/v.out" ]
	grep -qx 'after P=8' <<<"$output"
	assert_pool_whole 8
}
@test "make 4.3: a tool SIGKILLed while it waits in the window leaves the pool whole" {
	need_make 43; case_kill
}
@test "make 4.4.1: a tool SIGKILLed while it waits in the window leaves the pool whole" {
	need_make 44; case_kill
}

# A sandbox that denies writing the window's state (pwrite64: EPERM, as a seccomp profile
# answers): the claim is as without --fair, said with -v, and the pool is whole.
case_denied() {
	need_tool "$TOOLS/seccomp-deny"
	{
		printf 'all: t1\n\t+@echo pool=$$(%s count)\n' "$TOKENS"
		printf "t1: ; +@%s -e EPERM pwrite64 -- %s -v --fair sh -c 'echo \"\$@ P=\$\$PARALLELISM\"'\n" \
			"$TOOLS/seccomp-deny" "$JSP"
	} | write_makefile
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx 't1 P=8' <<<"$output"
	grep -q -- '--fair: the state of .* cannot be shared (operation not permitted): claiming as without --fair' <<<"$output"
	assert_pool_whole 8
}
@test "make 4.3: writing the window's state denied by seccomp: the claim as without --fair" {
	need_make 43; case_denied
}
@test "make 4.4.1: writing the window's state denied by seccomp: the claim as without --fair" {
	need_make 44; case_denied
}
