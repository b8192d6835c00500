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

ENDS=(kill9 term int segv abort _exit exit hup return)
TIMINGS=(once work group)

setup() {
	need_tool "$TOOLS/victim"
	VICTIM=$TOOLS/victim
	# Under the sanitizer build every program here has ASan preloaded. Its SIGSEGV handler
	# can deadlock when a SIGSEGV sent to a group arrives during ASan's own start-up (seen:
	# a forked child exec'ing true spun for ever holding make's output open), and it turns
	# a crash into abort(): let SIGSEGV do what it does in the field.
	[ "${JSP_SANITIZE:-OFF}" != ON ] || export ASAN_OPTIONS=$ASAN_OPTIONS:handle_segv=0
	RUNS=${JSP_FAULT_RUNS:-400}
	SEED=${JSP_FAULT_SEED:-$RANDOM}
	RANDOM=$SEED
}

# The signal a group kill sends for an ending; endings by exit race a SIGKILL instead.
group_signal() {
	case $1 in
	kill9) echo KILL ;; term) echo TERM ;; int) echo INT ;; hup) echo HUP ;;
	segv) echo SEGV ;; abort) echo ABRT ;; *) echo KILL ;;
	esac
}

# make_vars: the variables every Makefile here starts with. $(COUNT) sets c to the free
# tokens and n to how many 2 ms sleeps that took: after a kill the reaper wakes when make
# does (both on the owner's exit), so make may start the count before the tokens are back.
# It counts until the pool is whole or over (a duplicate shows at once), 250 sleeps at most
# (seen here: 2 at most, under ASan too), so that a loss fails in well under the timeout.
make_vars() {
	printf '.DEFAULT_GOAL := all\nJSP = %s\nVICTIM = %s\nTOKENS = %s\n' "$JSP" "$VICTIM" "$TOKENS"
	printf 'COUNT = n=0; while c=$$($(TOKENS) count); [ "$$c" -lt 7 ] && [ $$n -lt 250 ]; '
	printf 'do n=$$((n + 1)); sleep 0.002; done\n'
}

# normal END: a mark on the runs that end by a normal exit, where the tokens must be back
# before make sees the exit status, so that their count must not have waited.
normal() {
	case $1 in exit|return|fork50:exit|fork50:return) echo " (normal exit)" ;; esac
}

# fault_rules I END TIMING: the rules of run I, after run I-1's count: the victim (and for
# a group kill, its killer) and then the count, which prints "run I CASE pool=N".
fault_rules() {
	local i=$1 end=$2 timing=$3 d w prev=c$(($1 - 1)) case victim
	case $timing in
	once)
		case="$end at once$(normal "$end")"
		printf 'v%d: %s\n\t-+@$(JSP) $(VICTIM) %s 0 0\n' "$i" "$prev" "$end" ;;
	work)
		d=$((RANDOM % 5)) w=$((RANDOM % 25))
		case="$end after ${d}ms sleep ${w}ms work$(normal "$end")"
		printf 'v%d: %s\n\t-+@$(JSP) $(VICTIM) %s %d %d\n' "$i" "$prev" "$end" "$d" "$w" ;;
	group)
		# make may start either first; the victim waits until the killer runs, or it
		# could claim the token the killer needs. setsid makes the victim the leader of
		# its own group.
		d=$((RANDOM % 20))
		victim=sleep
		case $end in _exit|exit|return) victim="$end $((RANDOM % 10))" ;; esac
		((RANDOM % 2)) && [ "$victim" = sleep ] && victim=fork50:sleep
		case="group kill -$(group_signal "$end") after ${d}ms of victim $victim"
		printf 'k%d: %s\n\t@: > k%d.run; while [ ! -s v%d.out ]; do sleep 0.001; done; ' \
			"$i" "$prev" "$i" "$i"
		printf 'sleep %d.%03d; kill -%s -$$(sed -n "s/.*pid=//p" v%d.out) 2>/dev/null; true\n' \
			$((d / 1000)) $((d % 1000)) "$(group_signal "$end")" "$i"
		printf 'v%d: %s\n\t-+@while [ ! -e k%d.run ]; do sleep 0.001; done; ' "$i" "$prev" "$i"
		printf 'setsid $(JSP) $(VICTIM) %s > v%d.out\n' "$victim" "$i"
		printf 'c%d: k%d\n' "$i" "$i" ;;
	esac
	printf 'c%d: v%d\n\t+@$(COUNT); echo "run %d ($(MAKE_VERSION), %s): pool=$$c waited=$$n"\n' \
		"$i" "$i" "$i" "$case"
	[ "$timing" = group ] && printf '\t@cat v%d.out\n' "$i"
	return 0
}

# chain_makefile: a chain of runs read from stdin, one a line: a label, a tab, the recipe
# (make variables allowed); each run is followed by its count.
chain_makefile() {
	local i=0 label recipe
	# The loop runs in a pipeline, a subshell: CHAIN_RUNS is counted from the Makefile.
	{
		make_vars
		while IFS=$'\t' read -r label recipe; do
			i=$((i + 1))
			printf 'v%d: c%d\n\t-+@%s\n' "$i" $((i - 1)) "$recipe"
			printf 'c%d: v%d\n\t+@$(COUNT); echo "run %d ($(MAKE_VERSION), %s): ' "$i" "$i" "$i" "$label"
			printf 'pool=$$c waited=$$n"\n'
		done
		printf 'all: c%d\n\t+@echo pool=$$($(TOKENS) count)\nc0:\n' "$i"
	} | write_makefile
	CHAIN_RUNS=$(grep -c '^c[0-9]*: v' "$BATS_TEST_TMPDIR/Makefile")
}

# fault_makefile N: a chain of N runs that cycles through every ending and timing.
fault_makefile() {
	local n=$1 i
	{
		make_vars
		printf 'all: c%d\n\t+@echo pool=$$($(TOKENS) count)\nc0:\n' "$n"
		for ((i = 1; i <= n; i++)); do
			fault_rules "$i" "${ENDS[i % ${#ENDS[@]}]}" \
				"${TIMINGS[i / ${#ENDS[@]} % ${#TIMINGS[@]}]}"
		done
	} | write_makefile
}

# assert_runs N: every run counted the whole pool, every victim claimed, make ended clean.
# A normal exit (exit, return) gives the tokens back before make sees the status: its count
# must not have waited. Prints a summary line to the bats output.
assert_runs() {
	local n=$1 counts bad claimed waited max
	counts=$(grep '^run .*: pool=' <<<"$output")
	bad=$(grep -v ': pool=7 waited=' <<<"$counts" | head -3)
	if [ -n "$bad" ]; then
		echo "seed $SEED: a run ended with the pool not whole (expected pool=7):" >&2
		echo "$bad" >&2
		return 1
	fi
	[ "$(wc -l <<<"$counts")" -eq "$n" ] || {
		echo "seed $SEED: expected $n counts in: $output" >&2
		return 1
	}
	bad=$(grep -F '(normal exit)' <<<"$counts" | grep -v 'waited=0$' | head -3)
	if [ -n "$bad" ]; then
		echo "seed $SEED: after a normal exit the tokens came back after make saw it:" >&2
		echo "$bad" >&2
		return 1
	fi
	if grep -q 'nobody killed me' <<<"$output"; then
		echo "seed $SEED: a killer never ran: $output" >&2
		return 1
	fi
	# Every victim starts with the pool whole (the killer holds one token): it must have
	# claimed something, or this suite tests nothing.
	claimed=$(grep -c '^PARALLELISM=[2-8] pid=' <<<"$output" || true)
	[ "$claimed" -eq "$n" ] || {
		echo "seed $SEED: only $claimed of $n victims claimed tokens: $output" >&2
		return 1
	}
	assert_pool_whole 8
	waited=$(grep -cv 'waited=0$' <<<"$counts" || true)
	max=$(sed 's/.*waited=//' <<<"$counts" | sort -n | tail -1)
	echo "# $n runs: none lost, none duplicated; $waited counts waited for a reaper" \
		"(at most $max x 2 ms)" >&3
}

# matrix MAKE: half of the runs, every ending and timing, under one make.
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
# past its start, by SIGKILL, SIGTERM and a group kill; the verbose log tells how many kills
# landed while the claim was in progress (the reaper gave back tokens that the owner never
# finished claiming), and there must be some, or the sweep missed the window.
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
	[ $((gave - claimed)) -gt 0 ] || {
		echo "no kill landed during a claim (gave back $gave, claimed $claimed)" >&2
		false
	}
}

@test "kills swept across the claim under make 4.3: the reaper gives back what it took" {
	claim_sweep 43
}

@test "kills swept across the claim under make 4.4.1: the reaper gives back what it took" {
	claim_sweep 44
}

# fork50_runs: the parent forks 50 children that end by exit, _exit, SIGKILL, abort, return,
# SIGTERM, SIGSEGV and exec within 9 ms, and itself ends before, among or after them.
fork50_runs() {
	local end d
	for end in exit return _exit kill9 segv abort term; do
		for d in 0 5 12; do
			printf 'fork50, parent %s after %d ms%s\t$(JSP) $(VICTIM) fork50:%s %d\n' \
				"$end" "$d" "$(normal "fork50:$end")" "$end" "$d"
		done
	done
}

@test "make 4.3: an owner that forks 50 children ending every way gives back every token" {
	need_make 43
	chain_makefile < <(fork50_runs)
	jsp_make -j8
	assert_runs "$CHAIN_RUNS"
}

@test "make 4.4.1: an owner that forks 50 children ending every way gives back every token" {
	need_make 44
	chain_makefile < <(fork50_runs)
	jsp_make -j8
	assert_runs "$CHAIN_RUNS"
}

# exec_runs: the owner's pid execs on into images with and without the library. Without
# it no destructor runs at all, so only the reaper can give the tokens back.
exec_runs() {
	local end
	for end in kill9 _exit exit return segv abort; do
		printf 'exec into no library, then %s\t$(JSP) env -u LD_PRELOAD $(VICTIM) %s\n' "$end" "$end"
		printf 'two execs, the last without the library, then %s\t' "$end"
		printf '$(JSP) env env -u LD_PRELOAD $(VICTIM) %s 2 3\n' "$end"
		printf 'exec into the library again, then %s%s\t' "$end" "$(normal "$end")"
		printf '$(JSP) sh -c '"'"'exec $(VICTIM) %s'"'"'\n' "$end"
	done
	printf 'exec into no library, SIGKILL from outside\t'
	printf '$(JSP) env -u LD_PRELOAD $(VICTIM) sleep > x.out & '
	printf 'until [ -s x.out ]; do sleep 0.001; done; cat x.out; kill -KILL $$!; wait\n'
}

@test "make 4.3: an exec into a program without the library still gives back every token" {
	need_make 43
	chain_makefile < <(exec_runs)
	jsp_make -j8
	assert_runs "$CHAIN_RUNS"
}

@test "make 4.4.1: an exec into a program without the library still gives back every token" {
	need_make 44
	chain_makefile < <(exec_runs)
	jsp_make -j8
	assert_runs "$CHAIN_RUNS"
}

# parallel_makefile N: N victims at once at -j8 that end every way: their claims race with
# each other and with the reapers giving back; one count at the end.
parallel_makefile() {
	local i
	{
		make_vars
		printf 'all: %s\n' "$(seq -f 'p%g' 1 "$1" | tr '\n' ' ')"
		printf '\t+@$(COUNT); echo "parallel ($(MAKE_VERSION)): pool=$$c waited=$$n"\n'
		printf '\t+@echo pool=$$($(TOKENS) count)\n'
		for ((i = 1; i <= $1; i++)); do
			printf 'p%d:\n\t-+@$(JSP) $(VICTIM) %s %d %d\n' "$i" \
				"${ENDS[RANDOM % ${#ENDS[@]}]}" $((RANDOM % 5)) $((RANDOM % 10))
		done
	} | write_makefile
}

# parallel MAKE
parallel() {
	local n=$((RUNS / 8))
	need_make "$1"
	parallel_makefile "$n"
	jsp_make -j8
	[ "$status" -eq 0 ] || { echo "seed $SEED: make exited $status: $output" >&2; false; }
	grep -q '^parallel .*: pool=7 waited=' <<<"$output" || {
		echo "seed $SEED: the pool was not whole after $n victims at once: $output" >&2
		false
	}
	assert_pool_whole 8
	echo "# $n victims at once: $(grep -c '^PARALLELISM=[2-8] ' <<<"$output") claimed tokens," \
		"$(grep '^parallel' <<<"$output")" >&3
}

@test "make 4.3: victims at once, their claims racing, give back every token" {
	parallel 43
}

@test "make 4.4.1: victims at once, their claims racing, give back every token" {
	parallel 44
}

# last_job MAKE: the killed owner is make's last job, so no recipe counts after it: make's
# own count at exit must be whole. It reads the jobserver until every writer is gone, the
# reaper's too, so a reaper that gave back late would show as its INTERNAL line.
last_job() {
	local end i
	need_make "$1"
	for end in kill9 segv _exit; do
		printf 'all:\n\t-+@%s %s %s 0 0\n' "$JSP" "$VICTIM" "$end" | write_makefile
		for i in 1 2 3 4 5 6 7 8 9 10; do
			jsp_make -j8
			[ "$status" -eq 0 ] || { echo "make exited $status after $end: $output" >&2; return 1; }
			grep -q '^PARALLELISM=8 ' <<<"$output" || { echo "no claim: $output" >&2; return 1; }
			! grep 'INTERNAL' <<<"$output" >&2 || { echo "after $end (run $i)" >&2; return 1; }
		done
	done
}

@test "make 4.3: a killed last job leaves make's own count at exit whole" {
	last_job 43
}

@test "make 4.4.1: a killed last job leaves make's own count at exit whole" {
	last_job 44
}
