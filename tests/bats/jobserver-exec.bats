#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# jobserver-exec, the drop-in for the kernel's scripts/jobserver-exec, side by side with
# the reference peer (../shared/reference/jobserver-exec.py, the seed's class version) on
# the same Makefiles: the same PARALLELISM; where they differ (the exit status) ours is right.

load helpers
bats_require_minimum_version 1.5.0

EXEC=$JSP_BUILD/jobserver-exec
PEER=${JSP_PEER:-$BATS_TEST_DIRNAME/../../../shared/reference/jobserver-exec.py}
export EXEC PEER

setup() {
	need_tool python3 "$PEER"
}

# Both print PARALLELISM as they see it, one after the other (the pool is whole for each).
case_same_parallelism() {
	local j=$1
	pool_makefile <<'EOF'
		+@$(EXEC) sh -c 'echo ours=$${PARALLELISM-unset}'
		+@python3 $(PEER) sh -c 'echo peer=$${PARALLELISM-unset}'
		+@PARALLELISM=5 $(EXEC) sh -c 'echo preset-ours=$${PARALLELISM-unset}'
		+@PARALLELISM=5 python3 $(PEER) sh -c 'echo preset-peer=$${PARALLELISM-unset}'
EOF
	jsp_make "-j$j"
	echo "$output"
	[ "$status" -eq 0 ]
	local ours peer
	ours=$(sed -n 's/^ours=//p' <<<"$output")
	peer=$(sed -n 's/^peer=//p' <<<"$output")
	[ -n "$ours" ] && [ "$ours" = "$peer" ]
	[ "$(sed -n 's/^preset-ours=//p' <<<"$output")" = "$(sed -n 's/^preset-peer=//p' <<<"$output")" ]
	if [ "$j" -gt 1 ]; then
		[ "$ours" = "$j" ]
		assert_pool_whole "$j"
	else
		[ "$ours" = unset ] # no jobserver: both leave it as it was
	fi
}
@test "make 4.3 -j8: jobserver-exec and the peer both give PARALLELISM=8" { need_make 43; case_same_parallelism 8; }
@test "make 4.4.1 -j8: jobserver-exec and the peer both give PARALLELISM=8" { need_make 44; case_same_parallelism 8; }
@test "make 4.3 -j3: both give PARALLELISM=3" { need_make 43; case_same_parallelism 3; }
@test "make 4.4.1 -j3: both give PARALLELISM=3" { need_make 44; case_same_parallelism 3; }
@test "make 4.3 -j1: both leave PARALLELISM as it was" { need_make 43; case_same_parallelism 1; }
@test "make 4.4.1 -j1: both leave PARALLELISM as it was" { need_make 44; case_same_parallelism 1; }

# A pool shared with a holder: the launcher with --max 4 holds 3 tokens while the probe
# runs; the two running jobs hold one more between them; both see the other 3: PARALLELISM=4.
case_shared_pool() {
	write_makefile <<'EOF'
all: run
	+@echo pool=$$($(TOKENS) count)
run: hold probe
hold:
	+@$(JSP) --max 4 sh -c 'echo holder=$$PARALLELISM; touch held; i=0; while [ ! -e done ] && [ $$i -lt 400 ]; do sleep 0.05; i=$$((i+1)); done'
probe:
	+@i=0; while [ ! -e held ] && [ $$i -lt 400 ]; do sleep 0.05; i=$$((i+1)); done; $(EXEC) sh -c 'echo ours=$${PARALLELISM-unset}'; python3 $(PEER) sh -c 'echo peer=$${PARALLELISM-unset}'; touch done
EOF
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx 'holder=4' <<<"$output"
	local ours peer
	ours=$(sed -n 's/^ours=//p' <<<"$output")
	peer=$(sed -n 's/^peer=//p' <<<"$output")
	[ "$ours" = 4 ] && [ "$peer" = 4 ]
	assert_pool_whole 8
}
@test "make 4.3 -j8: a holder of 3 tokens beside: both give PARALLELISM=4" { need_make 43; case_shared_pool; }
@test "make 4.4.1 -j8: a holder of 3 tokens beside: both give PARALLELISM=4" { need_make 44; case_shared_pool; }

# Where they differ: the command's exit status. The peer exits 0 for a failing command
# (the seed's class version drops subprocess.call's result): a make recipe that should
# fail goes on. Ours gives make the command's status.
case_exit_status() {
	pool_makefile <<'EOF'
		+-@$(EXEC) false; echo ours=$$?
		+-@python3 $(PEER) false; echo peer=$$?
		+-@$(EXEC) sh -c 'exit 3'; echo ours3=$$?
		+-@python3 $(PEER) sh -c 'exit 3'; echo peer3=$$?
EOF
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx 'ours=1' <<<"$output"
	grep -qx 'ours3=3' <<<"$output"
	# The peer's known fault (shared/README.md), shown so that a fixed peer is noticed.
	grep -qx 'peer=0' <<<"$output"
	grep -qx 'peer3=0' <<<"$output"
	assert_pool_whole 8
}
@test "make 4.3: the exit status: ours is the command's (1, 3), the peer's is 0 (its fault)" {
	need_make 43; case_exit_status
}
@test "make 4.4.1: the exit status: ours is the command's (1, 3), the peer's is 0 (its fault)" {
	need_make 44; case_exit_status
}

@test "every argument is the command: no option, not even --help" {
	unset MAKEFLAGS
	printf '#!/bin/sh\necho "ran $(basename "$0") $*"\n' >"$BATS_TEST_TMPDIR/--help"
	cp "$BATS_TEST_TMPDIR/--help" "$BATS_TEST_TMPDIR/-v"
	chmod +x "$BATS_TEST_TMPDIR/--help" "$BATS_TEST_TMPDIR/-v"
	PATH=$BATS_TEST_TMPDIR:$PATH run "$EXEC" --help --version
	[ "$status" -eq 0 ]
	[ "$output" = "ran --help --version" ]
	PATH=$BATS_TEST_TMPDIR:$PATH run "$EXEC" -v x
	[ "$output" = "ran -v x" ]
	run -127 "$EXEC" --no-such-option-or-command
	[[ $output == *"jobserver-exec: --no-such-option-or-command: No such file or directory"* ]]
}

@test "the exit statuses outside make: the command's own, 125 without a command, 126, 127" {
	unset MAKEFLAGS
	run "$EXEC" sh -c 'exit 7'
	[ "$status" -eq 7 ]
	run "$EXEC"
	[ "$status" -eq 125 ]
	[[ $output == *"jobserver-exec: missing command"* ]]
	run "$EXEC" "$BATS_TEST_TMPDIR"
	[ "$status" -eq 126 ]
	run -127 "$EXEC" no-such-command-here
}

@test "no interpreter: jobserver-exec is an ELF executable" {
	[ "$(head -c 4 "$EXEC" | od -An -c | tr -d ' ')" = '177ELF' ]
}
