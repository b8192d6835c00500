#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 4, continued from faults.bats: an owner that forks 50 children, an exec into a program
# without the library, victims racing their claims, and a killed last job. The same count after
# every run: the pool is whole, make prints no INTERNAL line, nothing hangs.

load helpers
load faults

setup() { faults_setup; }

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
	assert_all_back parallel "$n" "at once"
}

@test "make 4.3: victims at once, their claims racing, give back every token" {
	parallel 43
}

@test "make 4.4.1: victims at once, their claims racing, give back every token" {
	parallel 44
}

# last_job MAKE: the owner is make's last job, so no recipe counts after it. Ended normally
# (_exit, exit), it gives back before make sees its status: make's own count at exit must
# be whole. Killed, it is the reaper that gives back, and it holds no writer of the
# jobserver meanwhile (wire.h: so that a stopped reaper can never keep make from ending),
# so make, which reads its jobserver until every writer is gone at exit, counts first,
# prints its INTERNAL line and ends; the reaper then finds no reader left (docs/design.md,
# "What a kill costs at make's exit"). make must end at once all the same, and the reaper
# must have tried: it says so on the recipe's stderr, here a file.
last_job() {
	local end i
	need_make "$1"
	for end in _exit exit kill9 segv; do
		printf 'all:\n\t-+@JOBSERVER_PRELOAD_VERBOSE=1 %s %s %s 0 0 2>err\n' "$JSP" "$VICTIM" "$end" |
			write_makefile
		for i in 1 2 3 4 5; do
			rm -f "$BATS_TEST_TMPDIR/err"
			jsp_make -j8
			[ "$status" -eq 0 ] || { echo "make exited $status after $end: $output" >&2; return 1; }
			grep -q '^PARALLELISM=8 ' <<<"$output" || { echo "no claim: $output" >&2; return 1; }
			case $end in
			_exit | exit)
				! grep 'INTERNAL' <<<"$output" >&2 || { echo "after $end (run $i)" >&2; return 1; }
				grep -q 'gave back 7 tokens at exit' "$BATS_TEST_TMPDIR/err" ;;
			*)
				local said='gave back 7 tokens for pid|could not give back the tokens of pid .*: (broken pipe|no reader on the fifo)'
				for _ in $(seq 100); do
					grep -Eq "$said" "$BATS_TEST_TMPDIR/err" && break
					sleep 0.01
				done
				grep -Eq "$said" "$BATS_TEST_TMPDIR/err" ||
					{ echo "after $end (run $i): $(cat "$BATS_TEST_TMPDIR/err")" >&2; return 1; } ;;
			esac
		done
	done
}

@test "make 4.3: a last job that ends gives back before make counts; a killed one never keeps make" {
	last_job 43
}

@test "make 4.4.1: a last job that ends gives back before make counts; a killed one never keeps make" {
	last_job 44
}
