# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by faults.bats and faults-more.bats: victims under make -j8 ended every way, and the
# count of the pool after each run. See faults.bats for the variables.

ENDS=(kill9 term int segv abort _exit exit hup return)
TIMINGS=(once work group)

faults_setup() {
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

# assert_all_back LABEL N WHAT: the make run of N victims, WHAT, ended by one count
# "LABEL (...): pool=N waited=...", exited 0, and left the pool whole; prints a summary
# line and sets CLAIMED to how many victims claimed a token.
assert_all_back() {
	[ "$status" -eq 0 ] || { echo "seed $SEED: make exited $status: $output" >&2; return 1; }
	grep -q "^$1 .*: pool=7 waited=" <<<"$output" || {
		echo "seed $SEED: the pool was not whole after $2 victims $3: $output" >&2
		return 1
	}
	assert_pool_whole 8
	CLAIMED=$(grep -c '^PARALLELISM=[2-8] ' <<<"$output" || true)
	echo "# $2 victims $3: $CLAIMED claimed tokens, $(grep "^$1" <<<"$output")" >&3
}

# tree_makefile_runs RULES: the Makefile of NRUNS runs of a wrapped tree, RULES I TARGET
# writing run I's rules with a random kill target (owner, group, desc or none); each run
# ends in a count "run I (...): pool=N waited=M" (faults-pool, faults-elastic).
tree_makefile_runs() {
	local targets=(owner group desc none) i
	{
		printf '.DEFAULT_GOAL := all\nJSP = %s\nTOKENS = %s\n' "$JSP" "$TOKENS"
		printf 'all: c%d\n\t+@echo pool=$$($(TOKENS) count)\nc0:\n' "$NRUNS"
		for ((i = 1; i <= NRUNS; i++)); do
			"$1" "$i" "${targets[RANDOM % 4]}"
		done
	} | write_makefile
}

# assert_tree_counts: make exited 0, and each of the NRUNS counts found the pool of -j8
# whole (7), at once after a run nobody killed. Sets counts to the count lines.
assert_tree_counts() {
	local bad
	[ "$status" -eq 0 ] || { echo "seed $SEED: make exited $status: $output" >&2; return 1; }
	counts=$(grep '^run .*: pool=' <<<"$output")
	bad=$(grep -v ': pool=7 waited=' <<<"$counts" | head -3)
	[ -z "$bad" ] || { echo "seed $SEED: the pool was not whole after:" >&2; echo "$bad" >&2; return 1; }
	[ "$(wc -l <<<"$counts")" -eq "$NRUNS" ] || { echo "seed $SEED: not $NRUNS counts: $output" >&2; return 1; }
	bad=$(grep -F '(normal exit)' <<<"$counts" | grep -v 'waited=0$' | head -3)
	[ -z "$bad" ] || { echo "seed $SEED: a normal end gave back late:" >&2; echo "$bad" >&2; return 1; }
}
