#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# --min N --wait SECONDS under real make 4.3 and 4.4.1: the claim waits until N-1 tokens
# are free, at most SECONDS, holding none meanwhile. Other recipes hold tokens for real
# (the launcher with --max, or tokens count draining the pool); times are measured in the
# recipes with date(1) and checked as ranges; the pool is counted at the end.

load helpers
bats_require_minimum_version 1.5.0

setup() {
	unset JOBSERVER_PRELOAD_MIN JOBSERVER_PRELOAD_WAIT JOBSERVER_PRELOAD_MAX
	unset JOBSERVER_PRELOAD_VERBOSE
}

# wait_makefile: a Makefile whose jobs (the rules read from stdin) run in parallel, then
# "all" prints pool=<free tokens> for assert_pool_whole. In a rule, $(T0) starts a clock
# that the command's $(MS) reads (ms since), $(call UNTIL,FILE) waits for a marker file
# (10 s at most: a test that fails says so before make's timeout).
wait_makefile() {
	{
		printf 'NOW = $$(date +%%s%%N)\nT0 = t0=$(NOW)\n'
		printf 'MS = $$(( ($(NOW) - $$t0) / 1000000 ))\n'
		printf 'UNTIL = i=0; until [ -f $(1) ] || [ $$i -ge 1000 ]; do sleep 0.01; i=$$((i + 1)); done\n'
		printf 'all: jobs\n\t+@echo pool=$$($(TOKENS) count)\n'
		cat
	} >"$BATS_TEST_TMPDIR/Makefile"
}

# field NAME KEY: the value of KEY=... on the line that starts with NAME in $output.
field() {
	sed -n "s/^$1 .*\\b$2=\\([0-9]*\\).*/\\1/p" <<<"$output" | head -1
}

case_holder_ends() {
	wait_makefile <<'EOF'
jobs: holder waiter
holder: ; +@$(JSP) --max 6 sh -c 'echo holder P=$$PARALLELISM; touch held; sleep 1'
waiter: ; +@$(call UNTIL,held); $(T0) $(JSP) --min 4 --wait 5 sh -c 'echo waiter P=$$PARALLELISM ms=$(MS)'
EOF
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx 'holder P=6' <<<"$output" # 5 of the 8 held: 1 is free while it runs
	[ "$(field waiter P)" -ge 4 ]
	# Woken when the tokens came back (about 1 s), not at the deadline (5 s).
	[ "$(field waiter ms)" -ge 500 ] && [ "$(field waiter ms)" -le 3000 ]
	assert_pool_whole 8
}
@test "make 4.3 -j8: --min 4 --wait 5 while 5 of 8 are held for 1 s gets PARALLELISM >= 4 when they come back" {
	need_make 43; case_holder_ends
}
@test "make 4.4.1 -j8: --min 4 --wait 5 while 5 of 8 are held for 1 s gets PARALLELISM >= 4 when they come back" {
	need_make 44; case_holder_ends
}

case_deadline() {
	wait_makefile <<'EOF'
jobs: holder waiter
holder: ; +@$(JSP) --max 3 sh -c 'touch held; sleep 1.5'
waiter: ; +@$(call UNTIL,held); $(T0) $(JSP) -v --min 8 --wait 0.5 sh -c 'echo waiter P=$$PARALLELISM ms=$(MS)'
EOF
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	local ms
	ms=$(field waiter ms)
	[ "$ms" -ge 400 ] && [ "$ms" -le 900 ]
	[ "$(field waiter P)" -lt 8 ] # started with what was free
	grep -q 'waited [0-9]* ms for 7 free tokens of .* (--min 8), [0-9]* free: starting with what is free' <<<"$output"
	assert_pool_whole 8
}
@test "make 4.3 -j8: --min 8 --wait 0.5 starts after 0.4-0.9 s with what is free" {
	need_make 43; case_deadline
}
@test "make 4.4.1 -j8: --min 8 --wait 0.5 starts after 0.4-0.9 s with what is free" {
	need_make 44; case_deadline
}

case_never_met() {
	wait_makefile <<'EOF'
jobs: waiter
waiter: ; +@$(T0) $(JSP) -v --min 8 --wait 0.5 sh -c 'echo waiter P=$$PARALLELISM ms=$(MS)'
EOF
	jsp_make -j4
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q "JOBSERVER_PRELOAD_MIN=8 (--min) is more than make's -j4: no more than 3 tokens are ever free, so this wait cannot be met" <<<"$output"
	[ "$(field waiter ms)" -ge 400 ] && [ "$(field waiter ms)" -le 900 ]
	grep -qx 'waiter P=4 ms=[0-9]*' <<<"$output"
	assert_pool_whole 4
}
@test "make 4.3 -j4: --min 8 can never be met: said, and it ends at --wait like any other" {
	need_make 43; case_never_met
}
@test "make 4.4.1 -j4: --min 8 can never be met: said, and it ends at --wait like any other" {
	need_make 44; case_never_met
}

# While the waiter waits (it starts once make has started the drainer's job, and taken a
# token for it), another recipe drains the pool: it must get every token but that one (the
# waiter holds none). Before that, it counts the waiter's wake-ups (voluntary context
# switches) over 0.6 s without a token moving: sleeping in epoll costs a few, a 20 ms poll 30.
case_none_held() {
	wait_makefile <<'EOF'
jobs: waiter drainer
waiter: ; +@$(call UNTIL,drainer.up); echo $$$$ >waiter.pid; exec $(JSP) -v --min 8 --wait 2 sh -c 'echo waiter P=$$PARALLELISM drained=$$(ls drained)' 2>wait.log
CSW = grep ^voluntary_ctxt_switches /proc/$$(cat waiter.pid)/status | tr -dc 0-9
drainer: ; +@touch drainer.up; for i in $$(seq 1000); do grep -q 'waiting up to' wait.log && break; sleep 0.01; done; \
	a=$$($(CSW)); sleep 0.6; b=$$($(CSW)); echo drainer wakes=$$((b - a)) got=$$($(TOKENS) count); touch drained
EOF
	jsp_make -j8
	echo "$output"
	cat "$BATS_TEST_TMPDIR/wait.log"
	[ "$status" -eq 0 ]
	[ "$(field drainer got)" -eq 6 ] # 7 tokens, 1 of them make's for the second job
	[ "$(field drainer wakes)" -le 5 ]
	grep -qx 'waiter P=[0-9]* drained=drained' <<<"$output" # it was still waiting then
	assert_pool_whole 8
}
@test "make 4.3 -j8: no token is held while waiting, and the wait sleeps" {
	need_make 43; case_none_held
}
@test "make 4.4.1 -j8: no token is held while waiting, and the wait sleeps" {
	need_make 44; case_none_held
}

# Two waiters that want 4 tokens each while a holder has all 5 free ones for 0.5 s (taken
# once make has started both waiters, with a token each): if a waiter held what it found
# while waiting for more, each could end up with half and wait for the other until both
# deadlines. Both start by their deadline (2 s, and 0.5 s slack),
# and one at least gets its --min when the holder's come back.
case_two_waiters() {
	wait_makefile <<'EOF'
jobs: holder a b
holder: ; +@$(call UNTIL,a.up); $(call UNTIL,b.up); $(JSP) sh -c 'echo holder P=$$PARALLELISM; touch held; sleep 0.5'
a b: ; +@touch $@.up; $(call UNTIL,held); $(T0) $(JSP) --min 5 --wait 2 sh -c 'echo $@ P=$$PARALLELISM ms=$(MS); sleep 0.3'
EOF
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx 'holder P=6' <<<"$output"
	[ "$(field a ms)" -le 2500 ] && [ "$(field b ms)" -le 2500 ]
	[ "$(field a P)" -ge 5 ] || [ "$(field b P)" -ge 5 ]
	assert_pool_whole 8
}
@test "make 4.3 -j8: two waiters that together want more than there is both start by their deadline" {
	need_make 43; case_two_waiters
}
@test "make 4.4.1 -j8: two waiters that together want more than there is both start by their deadline" {
	need_make 44; case_two_waiters
}
