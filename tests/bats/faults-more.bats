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
