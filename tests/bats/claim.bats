#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The moments that random timing rarely hits: the owner has handed its vault to the
# reaper, or has moved the tokens into it, and has not finished its claim; the reaper ends
# idle while claims come in; an owner's end gives back through the reaper instead of by
# itself. The test library (preload/test_hooks.h) stops the claimer at a named point
# (JOBSERVER_PRELOAD_TEST_STOP), makes every reaper end as soon as it holds nothing
# (JOBSERVER_PRELOAD_TEST_LINGER_MS=0), or keeps an owner from giving back by itself
# (JOBSERVER_PRELOAD_TEST_NO_FAST_RELEASE=1); the victims load it with LD_PRELOAD and
# claim in its constructor (JOBSERVER_PRELOAD_PROGRAMS=victim).

load helpers
load faults

setup() {
	faults_setup
	TESTLIB=$JSP_BUILD/tests/libjobserver-preload-test.so
	[ -f "$TESTLIB" ] || { echo "no $TESTLIB: build the tests" >&2; return 1; }
}

# test_vars: make variables: RUN loads the test library (after a sanitizer runtime, which
# must stay first) and selects the victim; the rest as in faults.bash.
test_vars() {
	make_vars
	printf 'TESTLIB = %s\n' "$TESTLIB"
	printf 'RUN = LD_PRELOAD=$${LD_PRELOAD:+$$LD_PRELOAD:}$(TESTLIB) JOBSERVER_PRELOAD_PROGRAMS=victim\n'
}

# stopped_kill POINT: a victim stops itself at POINT of its claim; the recipe records how
# many tokens the pool holds then (out=), kills the victim with SIGKILL, and counts again.
stopped_kill() {
	{
		test_vars
		cat <<'EOF'
all: count
job:
	+@$(RUN) JOBSERVER_PRELOAD_TEST_STOP=$(POINT) $(VICTIM) sleep > v.out & v=$$!; \
	until read -r _ _ st _ < /proc/$$v/stat && [ "$$st" = T ]; do sleep 0.001; done; \
	echo "out=$$($(TOKENS) count)"; kill -KILL $$v; wait $$v; echo "status=$$?"
count: job
	+@$(COUNT); echo "after the kill: pool=$$c waited=$$n"
	+@echo pool=$$($(TOKENS) count)
EOF
	} | write_makefile
	jsp_make -j8 "POINT=$1"
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx 'status=137' <<<"$output" # it was killed, not ended by itself
	[ ! -s "$BATS_TEST_TMPDIR/v.out" ] # it never reached main
	grep -q '^after the kill: pool=7 ' <<<"$output"
	assert_pool_whole 8
}

@test "make 4.3: killed with its tokens in the vault, mid-claim: the reaper gives them back" {
	need_make 43
	stopped_kill taken
	grep -qx 'out=0' <<<"$output" # all 7 had left the pool
}

@test "make 4.4.1: killed with its tokens in the vault, mid-claim: the reaper gives them back" {
	need_make 44
	stopped_kill taken
	grep -qx 'out=0' <<<"$output"
}

@test "make 4.3: killed after handing over its vault, before taking: nothing lost" {
	need_make 43
	stopped_kill handed-over
	grep -qx 'out=7' <<<"$output" # nothing had left the pool yet
}

@test "make 4.4.1: killed after handing over its vault, before taking: nothing lost" {
	need_make 44
	stopped_kill handed-over
	grep -qx 'out=7' <<<"$output"
}

# linger0_makefile N: N victims in 4 chains that run side by side (so that tokens are free
# for 3 of them at a time), each claiming one token (MAX=2) and ending every way, and every
# reaper ending the moment it holds nothing: claims race the reaper's end (refused, the
# name still held, a new reaper started) at every turn. One count at the end.
linger0_makefile() {
	local i
	{
		test_vars
		printf 'all: %s\n' "$(seq -f 'p%g' $(($1 - 3)) "$1" | tr '\n' ' ')"
		printf '\t+@$(COUNT); echo "linger0 ($(MAKE_VERSION)): pool=$$c waited=$$n"\n'
		printf '\t+@echo pool=$$($(TOKENS) count)\n'
		for ((i = 1; i <= $1; i++)); do
			((i > 4)) && printf 'p%d: p%d\n' "$i" $((i - 4))
			printf 'p%d:\n\t-+@$(RUN) JOBSERVER_PRELOAD_TEST_LINGER_MS=0 JOBSERVER_PRELOAD_MAX=2 ' "$i"
			printf '$(VICTIM) %s %d %d\n' "${ENDS[RANDOM % ${#ENDS[@]}]}" $((RANDOM % 3)) $((RANDOM % 3))
		done
	} | write_makefile
}

linger0() {
	local n=$((RUNS / 4))
	need_make "$1"
	linger0_makefile "$n"
	jsp_make -j8
	assert_all_back linger0 "$n" "with reapers ending when idle"
	# Claims must have gone through: reapers that refused them all would test nothing.
	[ "$CLAIMED" -gt 0 ] || { echo "seed $SEED: no victim claimed a token" >&2; false; }
}

@test "make 4.3: reapers that end as soon as they are idle: no claim is lost in between" {
	linger0 43
}

@test "make 4.4.1: reapers that end as soon as they are idle: no claim is lost in between" {
	linger0 44
}

# ask_reaper MAKE: an owner whose end cannot empty its vault itself (the test library's
# JOBSERVER_PRELOAD_TEST_NO_FAST_RELEASE) asks the reaper, and waits for it: with the
# reaper stopped for 0.6 s, the victim (which exits 0.3 s after its start) ends only when
# the reaper runs again, and the tokens are back when the recipe sees it end.
ask_reaper() {
	need_make "$1"
	{
		test_vars
		printf 'SHELL = /bin/bash\n'
		cat <<'EOF'
all:
	+@$(RUN) JOBSERVER_PRELOAD_TEST_NO_FAST_RELEASE=1 JOBSERVER_PRELOAD_VERBOSE=1 \
		$(VICTIM) exit 300 > v.out 2> log & v=$$!; \
	until r=$$(sed -n 's/.*claimed.*(reaper pid \([0-9]*\)).*/\1/p' log); [ -n "$$r" ]; do sleep 0.001; done; \
	kill -STOP $$r; t0=$${EPOCHREALTIME/./}; (sleep 0.6; kill -CONT $$r) & \
	wait $$v; echo "ended $$(( ($${EPOCHREALTIME/./} - t0) / 1000 )) ms after the stop, pool=$$($(TOKENS) count)"
	+@echo pool=$$($(TOKENS) count)
EOF
	} | write_makefile
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q '^PARALLELISM=8 ' "$BATS_TEST_TMPDIR/v.out" # it claimed
	grep -Eq '^ended ([4-9][0-9]{2}|[0-9]{4,}) ms after the stop, pool=7$' <<<"$output"
	assert_pool_whole 8
}

@test "make 4.3: an owner that cannot give back itself asks the reaper and waits for it" {
	ask_reaper 43
}

@test "make 4.4.1: an owner that cannot give back itself asks the reaper and waits for it" {
	ask_reaper 44
}

# burst MAKE [ROOM]: 40 owners claim at the same moment, one token each, from a reaper that
# makes 16 vaults at a time and would make more only at its tick, here a second
# (JOBSERVER_PRELOAD_TEST_TICK_MS): the owners that find few tickets or none ring its bell,
# and every one gets a vault at once. An owner waits 200 ms for a ticket, then claims
# nothing; here 600 ms (JOBSERVER_PRELOAD_TEST_FIND_WAIT_MS, still below the tick): 41
# processes starting at once on 2 loaded CPUs can keep the reaper off a CPU for 200 ms,
# and that is not what this test is about. make -j81 keeps 41 tokens free beside its 40
# jobs. Their 40 give-backs must never fill the jobserver pipe (16 buffers by default,
# however few bytes each holds), whether the first claim grew it (ROOM=yes) or not (the
# test library's JOBSERVER_PRELOAD_TEST_NO_ROOM): then the owners whose tokens do not fit
# by splice leave them to the reaper, which writes them.
burst() {
	local i out room=${2:-yes}
	need_make "$1"
	{
		test_vars
		printf 'NO_ROOM = %s\n' "$([ "$room" = yes ] || echo JOBSERVER_PRELOAD_TEST_NO_ROOM=1)"
		printf 'all: %s\n' "$(seq -f 'b%g' 40 | tr '\n' ' ')"
		printf '\t+@echo pool=$$($(TOKENS) count)\n'
		for ((i = 1; i <= 40; i++)); do
			printf 'b%d:\n\t+@$(RUN) $(NO_ROOM) JOBSERVER_PRELOAD_TEST_TICK_MS=1000 ' "$i"
			printf 'JOBSERVER_PRELOAD_TEST_FIND_WAIT_MS=600 '
			printf 'JOBSERVER_PRELOAD_MAX=2 $(VICTIM) exit 1000 > b%d.out\n' "$i"
		done
	} | write_makefile
	TIMEOUT=30 jsp_make -j81
	echo "$output"
	[ "$status" -eq 0 ]
	out=$(cat "$BATS_TEST_TMPDIR"/b*.out)
	echo "# $(grep -c '^PARALLELISM=2 ' <<<"$out") of 40 owners claimed a token (room: $room)" >&3
	[ "$(grep -c '^PARALLELISM=2 ' <<<"$out")" -eq 40 ] || { echo "$out" >&2; false; }
	assert_pool_whole 81
}

@test "make 4.3: 40 owners at once: the bell gets each a vault, 40 give-backs never fill the pipe" {
	burst 43
}

@test "make 4.4.1: 40 owners at once: the bell gets each a vault, 40 give-backs never fill the pipe" {
	burst 44
}

@test "make 4.3: 40 give-backs into a pipe of 16 buffers: what does not fit, the reaper writes" {
	burst 43 no
}

@test "make 4.4.1: 40 give-backs into a pipe of 16 buffers: what does not fit, the reaper writes" {
	burst 44 no
}

# denied MAKE: the reaper's ppoll answers EPERM 200 ms after its start (the test library's
# JOBSERVER_PRELOAD_TEST_DENY_POLL_MS), as under a seccomp filter it did not see when it
# probed: it stops taking claims, gives back what it holds for the owner that still runs,
# keeps emptying its vaults for a second, and ends. The owner's own end, later, finds no
# vault and gives back nothing twice.
denied() {
	need_make "$1"
	{
		test_vars
		cat <<'EOF'
all:
	+@$(RUN) JOBSERVER_PRELOAD_TEST_DENY_POLL_MS=200 JOBSERVER_PRELOAD_VERBOSE=1 \
		$(VICTIM) exit 600 > v.out 2> log; \
	echo "right after: pool=$$($(TOKENS) count)"; cat log
	+@echo pool=$$($(TOKENS) count)
EOF
	} | write_makefile
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q '^PARALLELISM=8 ' "$BATS_TEST_TMPDIR/v.out" # it claimed
	grep -q 'gave back 7 tokens for pid' <<<"$output"   # the reaper, as it stopped
	refute grep -q 'gave back 7 tokens at exit' <<<"$output" # not twice
	grep -qx 'right after: pool=7' <<<"$output"
	assert_pool_whole 8
}

@test "make 4.3: a reaper whose ppoll is denied at run time gives back what it holds and ends" {
	denied 43
}

@test "make 4.4.1: a reaper whose ppoll is denied at run time gives back what it holds and ends" {
	denied 44
}
