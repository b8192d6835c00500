#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 4: the tokens come back however the owner ends. Every run wraps tests/tools/victim
# under make -j8, ends it one way, and then a recipe counts the pool with tests/tools/tokens:
# it must be 7 exactly (nothing lost, nothing written twice), make must not print its
# "INTERNAL: Exiting with" line, and nothing may hang (every make runs under a timeout).
# After a kill the count may wait a few ms for the reaper (see make_vars); after a normal
# exit it may not.
#
# JSP_FAULT_RUNS  runs of the fault matrix, half under each make (default 400; 1000 for a
#                 long run, about 30 s); also sizes the kill sweeps (RUNS/2 kills per signal
#                 and make) and the parallel runs (RUNS/8 per make)
# JSP_FAULT_SEED  the seed of the timings (default random; printed when a test fails)
# JSP_TIMEOUT     the bound on each make run (helpers.bash; raise it for more than ~3000 runs)

load helpers
load faults

setup() { faults_setup; }

matrix() {
	need_make "$1"
	fault_makefile $((RUNS / 2))
	jsp_make -j8
	[ "$status" -eq 0 ] || {
		echo "seed $SEED: make exited $status (124: timed out); first counts not whole:" >&2
		grep '^run .*: pool=' <<<"$output" | grep -v ': pool=7 ' | head -3 >&2
		tail -5 <<<"$output" >&2
		false
	}
	assert_runs $((RUNS / 2))
}

@test "fault matrix under make 4.3 (pipe): no token lost or duplicated, no hang" {
	matrix 43
}

@test "fault matrix under make 4.4.1 (fifo): no token lost or duplicated, no hang" {
	matrix 44
}

# startup_us: how long a wrapped victim takes from fork to exit here (median of 5), so that
# the kill sweep spans the start of the command on a slow machine or under ASan too.
startup_us() {
	local i t0 ts=()
	for i in 1 2 3 4 5; do
		t0=${EPOCHREALTIME/./}
		"$JSP" "$VICTIM" _exit >/dev/null
		ts+=($((${EPOCHREALTIME/./} - t0)))
	done
	printf '%s\n' "${ts[@]}" | sort -n | sed -n 3p
}

# claim_sweep MAKE: killat kills the wrapped victim at delays that sweep from its fork to
# past its start, by SIGKILL, SIGTERM and a group kill; the pool must be whole after all of
# them. The verbose log tells how many kills landed while the claim was in progress (the
# reaper gave back tokens that the owner never finished claiming): the claim now lasts some
# tens of microseconds, so few or none do; claim.bats stops a claimer at those moments and
# kills it there, every time.
claim_sweep() {
	local max sig n=$((RUNS / 2)) gave claimed
	need_make "$1"
	((n >= 100)) || n=100 # fewer may miss the claim, a window of some 10% of the sweep
	max=$(($(startup_us) * 2))
	{
		printf 'all: '
		for sig in KILL TERM group-KILL group-INT; do printf 'c-%s ' "$sig"; done
		printf '\n\t+@$(COUNT); echo "sweep ($(MAKE_VERSION)): pool=$$c waited=$$n"\n'
		printf '\t+@echo pool=$$($(TOKENS) count)\n'
		make_vars
		printf 'c-KILL:\nc-%s: c-%s\n' TERM KILL group-KILL TERM group-INT group-KILL
		for sig in KILL TERM group-KILL group-INT; do
			printf 'c-%s:\n\t+@JOBSERVER_PRELOAD_VERBOSE=1 %s %d %d %s %s %s sleep\n' \
				"$sig" "$TOOLS/killat" "$n" "$max" "$sig" "$JSP" "$VICTIM"
		done
	} | write_makefile
	jsp_make -j8
	[ "$status" -eq 0 ] || { echo "make exited $status:" >&2; tail -20 <<<"$output" >&2; false; }
	grep -q '^sweep .*: pool=7 waited=' <<<"$output" || {
		echo "the pool was not whole after $((4 * n)) kills swept over 0-$max us:" >&2
		grep -v '^jobserver-preload' <<<"$output" >&2
		false
	}
	assert_pool_whole 8
	[ "$(grep -c '^killat: ' <<<"$output")" -eq 4 ] || { tail -20 <<<"$output" >&2; false; }
	gave=$(grep -c 'gave back [1-9][0-9]* tokens' <<<"$output" || true)
	claimed=$(grep -c 'claimed [1-9][0-9]* tokens' <<<"$output" || true)
	echo "# $((4 * n)) kills over 0-$max us: $claimed claims completed, $((gave - claimed))" \
		"killed during the claim, $(grep '^sweep' <<<"$output")" >&3
	# The sweep must reach past the claims, or it tests only kills before them.
	[ "$claimed" -gt 0 ] || { echo "no kill came after a claim completed" >&2; false; }
}

@test "kills swept across the start under make 4.3: the reaper gives back what was taken" {
	claim_sweep 43
}

@test "kills swept across the start under make 4.4.1: the reaper gives back what was taken" {
	claim_sweep 44
}
