#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The wait's settings: JOBSERVER_PRELOAD_MIN and _WAIT with LD_PRELOAD set by hand (no
# launcher), bad values (the launcher exits 125 naming the cause; the library says so when
# verbose and claims without waiting), the cases that need no wait, and a sandbox without
# epoll. Under real make 4.3 and 4.4.1; other recipes hold tokens for real.

load helpers
bats_require_minimum_version 1.5.0

setup() {
	unset JOBSERVER_PRELOAD_MIN JOBSERVER_PRELOAD_WAIT JOBSERVER_PRELOAD_MAX
	unset JOBSERVER_PRELOAD_VERBOSE JOBSERVER_PRELOAD_PROGRAMS
	# A tool that the list selects by its own name: the claim is its shell's constructor's.
	printf '#!/bin/sh\necho "wtool P=$PARALLELISM ms=$(( ($(date +%%s%%N) - t0) / 1000000 ))"\n' \
		>"$BATS_TEST_TMPDIR/wtool"
	chmod +x "$BATS_TEST_TMPDIR/wtool"
}

# holder_makefile WAITER: a holder keeps 5 of make -j8's 7 tokens for 1 s; WAITER (a
# command line) runs once it holds them, with t0 set for the ms it prints; then the pool
# is counted. PRELOAD in WAITER is LD_PRELOAD with our library added.
holder_makefile() {
	rm -f "$BATS_TEST_TMPDIR/held" # a marker left by the run before
	{
		printf 'PRELOAD = LD_PRELOAD=$${LD_PRELOAD:+$$LD_PRELOAD:}$(LIB)\n'
		printf 'all: holder waiter\n\t+@echo pool=$$($(TOKENS) count)\n'
		printf "holder: ; +@\$(JSP) --max 6 sh -c 'touch held; sleep 1'\n"
		printf 'waiter: ; +@until [ -f held ]; do sleep 0.01; done; t0=$$(date +%%s%%N) %s\n' "$1"
	} >"$BATS_TEST_TMPDIR/Makefile"
}

# field NAME KEY: the value of KEY=... on the line that starts with NAME in $output.
field() {
	sed -n "s/^$1 .*\\b$2=\\([0-9]*\\).*/\\1/p" <<<"$output" | head -1
}

case_ldpreload() {
	holder_makefile '$(PRELOAD) JOBSERVER_PRELOAD_PROGRAMS=wtool JOBSERVER_PRELOAD_MIN=4 JOBSERVER_PRELOAD_WAIT=5 JOBSERVER_PRELOAD_VERBOSE=1 ./wtool'
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(field wtool P)" -ge 4 ]
	[ "$(field wtool ms)" -ge 500 ] && [ "$(field wtool ms)" -le 3000 ]
	grep -q 'waiting up to 5.000 s for 3 free tokens of' <<<"$output"
	grep -q 'tokens of .* free after [0-9]* ms of waiting: claiming' <<<"$output"
	assert_pool_whole 8
}
@test "make 4.3 -j8, LD_PRELOAD by hand: JOBSERVER_PRELOAD_MIN=4 _WAIT=5 waits for the holder" {
	need_make 43; case_ldpreload
}
@test "make 4.4.1 -j8, LD_PRELOAD by hand: JOBSERVER_PRELOAD_MIN=4 _WAIT=5 waits for the holder" {
	need_make 44; case_ldpreload
}

# A bad value in LD_PRELOAD mode: said, no wait, the claim as without it (1 token free).
case_ldpreload_bad() {
	local setting=$1 said=$2
	holder_makefile "\$(PRELOAD) JOBSERVER_PRELOAD_PROGRAMS=wtool $setting JOBSERVER_PRELOAD_VERBOSE=1 ./wtool"
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qF "$said" <<<"$output"
	grep -qx 'wtool P=2 ms=[0-9]*' <<<"$output"
	[ "$(field wtool ms)" -le 500 ]
	refute grep -q 'waiting up to' <<<"$output"
	assert_pool_whole 8
}
@test "make 4.3 and 4.4.1, LD_PRELOAD by hand: a bad MIN or WAIT is said, and there is no wait" {
	local m
	for m in 43 44; do
		need_make $m
		case_ldpreload_bad 'JOBSERVER_PRELOAD_MIN=0 JOBSERVER_PRELOAD_WAIT=5' \
			'JOBSERVER_PRELOAD_MIN=0 is not a positive integer; not waiting: set it to the PARALLELISM to wait for, or unset it'
		case_ldpreload_bad 'JOBSERVER_PRELOAD_MIN=4 JOBSERVER_PRELOAD_WAIT=-1' \
			'JOBSERVER_PRELOAD_WAIT=-1 is negative: expected a number of seconds, as in 5 or 0.5 (0: no wait); not waiting'
		case_ldpreload_bad 'JOBSERVER_PRELOAD_MIN=4 JOBSERVER_PRELOAD_WAIT=soon' \
			'JOBSERVER_PRELOAD_WAIT=soon is not a number of seconds'
		case_ldpreload_bad 'JOBSERVER_PRELOAD_WAIT=5' \
			'JOBSERVER_PRELOAD_WAIT=5 (--wait) is set without JOBSERVER_PRELOAD_MIN (--min), so there is nothing to wait for'
	done
}

@test "125: --min is not a positive integer, --wait not a number of seconds" {
	local v
	for v in 0 -1 x '' 1.5 65537; do
		run -125 "$JSP" --min "$v" echo ran
		[[ $output == *"jobserver-preload: --min '$v' "* ]]
		[[ $output == *"Try 'jobserver-preload --help'"* ]]
		[[ $output != *ran* ]]
	done
	for v in -1 -0.5 x '' 1e3 ' 5' 5s 1.2.3 . 86401 86400.5 99999999999999999999; do
		run -125 "$JSP" --min 2 --wait "$v" echo ran
		[[ $output == *"jobserver-preload: --wait '$v' "* ]]
		[[ $output != *ran* ]]
	done
	run -125 "$JSP" --wait -1 echo ran
	[[ $output == *"--wait '-1' is negative: expected a number of seconds, as in 5 or 0.5 (0: no wait)"* ]]
	run -125 "$JSP" --wait 86401 echo ran
	[[ $output == *"--wait '86401' is too long: at most 86400 seconds (a day)"* ]]
	for v in 0 5 0.5 .25 5. 86400 0.0001; do
		run -0 "$JSP" --min 2 --wait "$v" echo ran
		[ "$output" = ran ]
	done
}

@test "125: JOBSERVER_PRELOAD_MIN or _WAIT set by hand to a bad value; an option overrides it" {
	JOBSERVER_PRELOAD_MIN=0 run -125 "$JSP" echo ran
	[[ $output == *"jobserver-preload: JOBSERVER_PRELOAD_MIN=0 is not a positive integer; set it to a count or unset it"* ]]
	JOBSERVER_PRELOAD_WAIT=x run -125 "$JSP" echo ran
	[[ $output == *"jobserver-preload: JOBSERVER_PRELOAD_WAIT=x is not a number of seconds"*"set it to the most seconds to wait or unset it"* ]]
	JOBSERVER_PRELOAD_MIN=0 run -0 "$JSP" --min 2 echo ran
	[ "$output" = ran ]
	JOBSERVER_PRELOAD_WAIT=x run -0 "$JSP" --wait 1 echo ran
	[ "$output" = ran ]
}

# No wait is needed: --min 1 (no token), --wait 0, or --min above --max with what --max
# allows free; each starts at once with the holder's one free token, or --max's.
case_no_wait() {
	holder_makefile "\$(JSP) -v $1 ./wtool"
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(field wtool ms)" -le 500 ]
	refute grep -q 'waiting up to' <<<"$output"
	grep -qx "wtool P=$2 ms=[0-9]*" <<<"$output"
	assert_pool_whole 8
}
@test "make 4.3 and 4.4.1: --min 1, --wait 0 and --min above --max need no wait" {
	local m
	for m in 43 44; do
		need_make $m
		case_no_wait '--min 1 --wait 5' 2
		case_no_wait '--min 4 --wait 0' 2
		case_no_wait '--max 2 --min 8 --wait 5' 2
		grep -q 'JOBSERVER_PRELOAD_MIN=8 (--min) is more than JOBSERVER_PRELOAD_MAX=2 (--max): waiting for 1 free token, the most the claim takes' <<<"$output"
	done
}

# A sandbox that denies epoll: the wait counts the free tokens every 20 ms instead (said),
# and still starts when the holder's tokens come back.
case_no_epoll() {
	need_tool "$TOOLS/seccomp-deny"
	holder_makefile "\$(TOOLS)/seccomp-deny $1 epoll_create1 -- \$(JSP) -v --min 4 --wait 5 ./wtool"
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q 'epoll: .*; while waiting, the free tokens of .* are counted every 20 ms instead' <<<"$output"
	[ "$(field wtool P)" -ge 4 ]
	[ "$(field wtool ms)" -ge 500 ] && [ "$(field wtool ms)" -le 3000 ]
	assert_pool_whole 8
}
@test "make 4.3 -j8: epoll denied (EPERM, ENOSYS): the wait counts every 20 ms and still starts in time" {
	need_make 43; case_no_epoll '-e EPERM'; case_no_epoll '-e ENOSYS'
}
@test "make 4.4.1 -j8: epoll denied (EPERM, ENOSYS): the wait counts every 20 ms and still starts in time" {
	need_make 44; case_no_epoll '-e EPERM'; case_no_epoll '-e ENOSYS'
}
