#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The normal paths under real make 4.3 (pipe) and make 4.4.1 (fifo): PARALLELISM, the
# claim, and conservation counted by a last recipe and by make's own "INTERNAL" check.
# Each case is a function run once per make by the two @test lines below it.

load helpers

# ok_claimed: the wrapped command saw PARALLELISM=8 and, while it ran, its jobserver (the
# private one of its tree: pool.bats) held exactly the 7 it claimed (printed as P=... and
# held=... by the recipes below).
ok_claimed() {
	grep -qx 'P=8' <<<"$output"
	grep -qx 'held=7' <<<"$output"
}

case_parallelism_8() {
	pool_makefile <<'EOF'
		+$(JSP) sh -c 'echo P=$$PARALLELISM; echo held=$$($(TOKENS) count)'
EOF
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	ok_claimed
	assert_pool_whole 8
}
@test "make 4.3 -j8: PARALLELISM=8, 7 tokens held, pool whole" { need_make 43; case_parallelism_8; }
@test "make 4.4.1 -j8: PARALLELISM=8, 7 tokens held, pool whole" { need_make 44; case_parallelism_8; }

case_other_j() {
	local j
	pool_makefile <<'EOF'
		+$(JSP) sh -c 'echo P=$$PARALLELISM'
EOF
	for j in 2 64; do
		jsp_make -j$j
		echo "$output"
		[ "$status" -eq 0 ]
		grep -qx "P=$j" <<<"$output"
		assert_pool_whole $j
	done
}
@test "make 4.3 -j2 and -j64: PARALLELISM is the -j number" { need_make 43; case_other_j; }
@test "make 4.4.1 -j2 and -j64: PARALLELISM is the -j number" { need_make 44; case_other_j; }

# make 4.4.1 makes its fifo in TMPDIR and escapes a blank in MAKEFLAGS (fifo:/a\ b/...).
@test "make 4.4.1: a fifo path with a blank, escaped by make" {
	need_make 44
	mkdir "$BATS_TEST_TMPDIR/tmp dir"
	pool_makefile <<'EOF'
		+@echo "$$MAKEFLAGS"; $(JSP) sh -c 'echo P=$$PARALLELISM; echo held=$$($(TOKENS) count)'
EOF
	TMPDIR="$BATS_TEST_TMPDIR/tmp dir" jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q 'fifo:.*/tmp\\ dir/' <<<"$output"
	ok_claimed
	assert_pool_whole 8
}

case_j1_unset() {
	pool_makefile <<'EOF'
		+$(JSP) sh -c 'echo P=$${PARALLELISM-unset}'
		+PARALLELISM=5 $(JSP) sh -c 'echo P=$${PARALLELISM-unset}'
EOF
	jsp_make -j1
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx 'P=unset' <<<"$output"
	grep -qx 'P=5' <<<"$output"
}
@test "make 4.3 -j1: PARALLELISM stays unset (or as it was)" { need_make 43; case_j1_unset; }
@test "make 4.4.1 -j1: PARALLELISM stays unset (or as it was)" { need_make 44; case_j1_unset; }

@test "outside make: PARALLELISM stays unset, a preset 5 stays 5" {
	run env -u MAKEFLAGS -u PARALLELISM "$JSP" sh -c 'echo P=${PARALLELISM-unset}'
	[ "$status" -eq 0 ]
	[ "$output" = P=unset ]
	run env -u MAKEFLAGS PARALLELISM=5 "$JSP" sh -c 'echo P=${PARALLELISM-unset}'
	[ "$status" -eq 0 ]
	[ "$output" = P=5 ]
}

# Two wrapped recipes that each wait (bounded) until the other has started, so they
# provably run at the same time; together they may hold at most the 7 free tokens. Each
# claims only once make has started both (a.go, b.go): a first claim that took all 7
# before make read a token for b would leave b waiting for a's end (seen under load).
case_two_concurrent() {
	write_makefile <<'EOF'
all: a b
	+@echo pool=$$($(TOKENS) count)
a b:
	+@touch $@.go; for i in $$(seq 100); do [ -e a.go ] && [ -e b.go ] && break; sleep 0.1; done; \
	$(JSP) sh -c 'echo $@=$$PARALLELISM; touch $@.up; \
	  for i in $$(seq 100); do [ -e a.up ] && [ -e b.up ] && break; sleep 0.1; done; \
	  [ -e a.up ] && [ -e b.up ] && echo $@ overlapped'
EOF
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx 'a overlapped' <<<"$output"
	grep -qx 'b overlapped' <<<"$output"
	local a b
	a=$(sed -n 's/^a=//p' <<<"$output")
	b=$(sed -n 's/^b=//p' <<<"$output")
	[ "$a" -ge 1 ] && [ "$b" -ge 1 ]
	[ $((a - 1 + b - 1)) -le 7 ]
	[ $((a + b)) -gt 2 ] # somebody claimed something
	assert_pool_whole 8
}
@test "make 4.3 -j8: two concurrent wrapped recipes hold at most 7 tokens" { need_make 43; case_two_concurrent; }
@test "make 4.4.1 -j8: two concurrent wrapped recipes hold at most 7 tokens" { need_make 44; case_two_concurrent; }

# Every normal ending of the owner gives back the whole pool; each recipe line below
# first proves the claim (P=8, held=7) and ends in its own way.
case_endings() {
	pool_makefile <<'EOF'
		+$(JSP) sh -c 'echo P=$$PARALLELISM; echo held=$$($(TOKENS) count); exit 0'
		-+$(JSP) sh -c 'echo P=$$PARALLELISM; echo held=$$($(TOKENS) count); exit 3'
		+$(JSP) sh -c 'echo P=$$PARALLELISM; echo held=$$($(TOKENS) count); (true); true'
		+$(JSP) sh -c '(echo fork=$$PARALLELISM; exit 0); echo P=$$PARALLELISM; echo held=$$($(TOKENS) count)'
EOF
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -cx 'P=8' <<<"$output")" -eq 4 ]
	[ "$(grep -cx 'held=7' <<<"$output")" -eq 4 ]
	grep -qx 'fork=8' <<<"$output"
	assert_pool_whole 8
}
@test "make 4.3: return, exit 0, exit 3 and fork without exec give the pool back" { need_make 43; case_endings; }
@test "make 4.4.1: return, exit 0, exit 3 and fork without exec give the pool back" { need_make 44; case_endings; }

# A chain of three execs keeps the pid, so the ownership and the tokens follow it into
# the last image, which returns them once.
case_exec_chain() {
	pool_makefile <<'EOF'
		+$(JSP) sh -c 'echo first=$$$$; exec sh -c "exec sh -c \"echo last=\\\$$\\\$$ P=\\\$$PARALLELISM; echo held=\\\$$($(TOKENS) count)\""'
EOF
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	local first last
	first=$(sed -n 's/^first=//p' <<<"$output")
	last=$(sed -n 's/^last=\([0-9]*\) .*/\1/p' <<<"$output")
	[ -n "$first" ] && [ "$first" = "$last" ]
	grep -qx "last=$last P=8" <<<"$output"
	grep -qx 'held=7' <<<"$output"
	assert_pool_whole 8
}
@test "make 4.3: a chain of three execs keeps the claim and gives it back once" { need_make 43; case_exec_chain; }
@test "make 4.4.1: a chain of three execs keeps the claim and gives it back once" { need_make 44; case_exec_chain; }

# A jobserver-preload inside a claimed command claims from the private jobserver of the
# command above (issue 15), never from make's again: the 7 it finds there, so its own
# command sees the same PARALLELISM and a jobserver of its own holding the 7; nothing is
# given back twice.
case_nested() {
	pool_makefile <<'EOF'
		+$(JSP) sh -c 'echo outer=$$PARALLELISM; $(JSP) -v sh -c "echo inner=\$$PARALLELISM; echo held=\$$($(TOKENS) count)"'
EOF
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx 'outer=8' <<<"$output"
	grep -qx 'inner=8' <<<"$output"
	grep -qx 'held=7' <<<"$output"
	[ "$(grep -c 'jobserver-preload\[[0-9]*\]: claimed 7 tokens from' <<<"$output")" -eq 1 ]
	grep -q 'claimed 7 tokens from \(pipe fds\|fifo /tmp/jobserver-preload-\)' <<<"$output"
	assert_pool_whole 8
}
@test "make 4.3: a nested jobserver-preload claims from the private jobserver above" { need_make 43; case_nested; }
@test "make 4.4.1: a nested jobserver-preload claims from the private jobserver above" { need_make 44; case_nested; }

# A multi-threaded program ends, by exit() or by returning from main, while 4 threads
# still spin: the destructor's handshake with the reaper must still complete.
case_threads() {
	pool_makefile <<'EOF'
		+$(JSP) $(TOOLS)/threads exit
		+$(JSP) $(TOOLS)/threads return
		+$(JSP) sh -c 'echo held=$$($(TOKENS) count); exec $(TOOLS)/threads exit'
EOF
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -cx 'PARALLELISM=8' <<<"$output")" -eq 3 ]
	grep -qx 'held=7' <<<"$output"
	assert_pool_whole 8
}
@test "make 4.3: a multi-threaded program exiting with its threads running" { need_make 43; case_threads; }
@test "make 4.4.1: a multi-threaded program exiting with its threads running" { need_make 44; case_threads; }

# The tokens are back before the exit status reaches the waiting shell, on every normal
# ending (dash ends even 'exit 0' with _exit). Without a stopped reaper the reaper's own
# give-back after the owner's death would win this race by luck; stopped for 0.5 s, only
# an ending that waits for it (bounded at 5 s) finds the pool whole right after. No
# reaper (pid 0 when nothing was claimed) must fail the case, never 'kill -STOP 0'.
case_back_first() {
	pool_makefile <<'EOF'
		+@for end in 'exit 0' 'exit 3' true 'exec $(TOOLS)/threads exit' \
		    'exec $(TOOLS)/threads return' 'exec sh -c "exec sh -c \"exit 0\""'; do \
		  $(JSP) -v sh -c 'r=$$(sed -n "s/.*reaper pid \([0-9]*\).*/\1/p" log); \
		    [ "$${r:-0}" -gt 0 ] || exit 99; \
		    kill -STOP $$r; (sleep 0.5; kill -CONT $$r) & '"$$end" 2>log; \
		  echo "after $$end: $$($(TOKENS) count)"; sleep 0.6; \
		done
EOF
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -c '^after .*: 7$' <<<"$output")" -eq 6 ]
	assert_pool_whole 8
}
@test "make 4.3: on every normal ending the tokens are back before the status" { need_make 43; case_back_first; }
@test "make 4.4.1: on every normal ending the tokens are back before the status" { need_make 44; case_back_first; }

# Tokens are bytes, not counts: the very bytes taken are the bytes given back.
case_bytes() {
	write_makefile <<'EOF'
all: run
	+@echo pool=$$($(TOKENS) dump)
run: set
	+$(JSP) sh -c 'echo P=$$PARALLELISM; echo held=$$($(TOKENS) count)'
set:
	+$(TOKENS) set abcdefg
EOF
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	ok_claimed
	grep -qx 'pool=abcdefg' <<<"$output"
	refute grep -q 'INTERNAL: Exiting with' <<<"$output"
}
@test "make 4.3: tokens that are not '+' come back byte for byte" { need_make 43; case_bytes; }
@test "make 4.4.1: tokens that are not '+' come back byte for byte" { need_make 44; case_bytes; }
