#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 22: _exit and _Exit hand on to the next definition. Another preloaded library
# that wraps them (tests/tools/exitmark.c, as a sanitizer runtime does) still runs,
# whether it comes before or after ours in LD_PRELOAD, and the owner's tokens are still
# back before make sees its exit status: the count right after it must not wait.

load helpers

setup() {
	MARK=$JSP_BUILD/tests/tools/libexitmark.so
	need_tool "$MARK"
	cp "$TOOLS/victim" "$BATS_TEST_TMPDIR/selvictim"
	export EXITMARK=$BATS_TEST_TMPDIR/marks
	unset JOBSERVER_PRELOAD_MAX JOBSERVER_PRELOAD_EXPORT JOBSERVER_PRELOAD_VERBOSE
	export JOBSERVER_PRELOAD_PROGRAMS=selvictim
}

# case_chain MAKE ORDER: ORDER is "ours-first" or "mark-first". A selected victim ends
# with _exit, then one with _Exit; after each a recipe counts the pool at once.
case_chain() {
	need_make "$1"
	# After a sanitizer runtime, which must stay first.
	if [ "$2" = ours-first ]; then
		export LD_PRELOAD=${LD_PRELOAD:+$LD_PRELOAD:}$LIB:$MARK
	else
		export LD_PRELOAD=${LD_PRELOAD:+$LD_PRELOAD:}$MARK:$LIB
	fi
	write_makefile <<'EOF2'
all: c2
	+@echo pool=$$($(TOKENS) count)
v1:
	+@./selvictim _exit; echo "status $$?"
c1: v1
	+@echo "after _exit free=$$($(TOKENS) count)"
v2: c1
	+@./selvictim _Exit; echo "status $$?"
c2: v2
	+@echo "after _Exit free=$$($(TOKENS) count)"
EOF2
	jsp_make -j8
	echo "$output"
	cat "$EXITMARK" || true
	[ "$status" -eq 0 ]
	local pids
	# Both victims claimed (PARALLELISM=8) and ended with status 0.
	pids=$(sed -n 's/^PARALLELISM=8 pid=\([0-9]*\)$/\1/p' <<<"$output")
	[ "$(wc -w <<<"$pids")" -eq 2 ]
	[ "$(grep -cx 'status 0' <<<"$output")" -eq 2 ]
	# The wrapper ran in each owner, for the function it called.
	grep -qx "exitmark _exit(0) pid $(head -1 <<<"$pids")" "$EXITMARK"
	grep -qx "exitmark _Exit(0) pid $(tail -1 <<<"$pids")" "$EXITMARK"
	# And the tokens were back before make saw the status.
	grep -qx 'after _exit free=7' <<<"$output"
	grep -qx 'after _Exit free=7' <<<"$output"
	assert_pool_whole 8
}

@test "make 4.3: ours then a wrapper of _exit/_Exit in LD_PRELOAD: both run, tokens back first" {
	case_chain 43 ours-first
}
@test "make 4.4.1: ours then a wrapper of _exit/_Exit in LD_PRELOAD: both run, tokens back first" {
	case_chain 44 ours-first
}
@test "make 4.3: a wrapper of _exit/_Exit then ours in LD_PRELOAD: both run, tokens back first" {
	case_chain 43 mark-first
}
@test "make 4.4.1: a wrapper of _exit/_Exit then ours in LD_PRELOAD: both run, tokens back first" {
	case_chain 44 mark-first
}
