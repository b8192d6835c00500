#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 15: the tree composes to any depth. Three levels of wrapped sub-makes under make
# -j8, with a wrapped tool at each level. Run one after another, each level's tool gets the
# whole of what its level was given (PARALLELISM=8, 8 workers at once), and so does each
# level's make (8 jobs at once); with every level busy at once, no level holds more than the
# level above gave it and the whole tree never runs more than 8 jobs. Every job of the tree
# also logs its whole run to one log, deep.log (pool.bash); the pool is whole at the end.

load helpers
load tools
load pool

# job LOG N HOLD: one job of the tree: a slot that logs to LOG (waiting for N at once,
# holding HOLD ms), and its whole run in deep.log, which every job of the tree shares.
write_job() {
	printf '#!/bin/sh\necho "+ $$" >>%s\n"$SLOT" "$@" "$WAIT"\necho "- $$" >>%s\n' \
		"$BATS_TEST_TMPDIR/deep.log" "$BATS_TEST_TMPDIR/deep.log" >"$BATS_TEST_TMPDIR/job"
	chmod +x "$BATS_TEST_TMPDIR/job"
}

# level_makefile K NEXT N HOLD PARALLEL: writes lK.mk: a wrapped tool that prints its
# PARALLELISM and runs that many jobs at once (logged in lK-tool.log), 8 jobs of the
# level's make (lK.log), then the next level's wrapped sub-make (none for NEXT=-). Every job
# waits for N at once in its log and holds HOLD ms. PARALLEL=1 starts all three together;
# else they run in that order, each alone at its level.
level_makefile() {
	local k=$1 next=$2 n=$3 hold=$4 tool=tool jobs=jobs
	[ "$5" = 1 ] && tool='' jobs=''
	{
		printf 'J := 1 2 3 4 5 6 7 8\nJOB := ./job $(CURDIR)/l%d\nARGS := %d %d\n' "$k" "$n" "$hold"
		printf 'all: tool jobs next\ntool:\n\t+@$(JSP) sh -c '\''echo "level %d tool: ' "$k"
		printf 'PARALLELISM=$$PARALLELISM"; seq $$PARALLELISM | xargs -P $$PARALLELISM -I{} $(JOB)-tool.log $(ARGS)'\''\n'
		printf 'jobs: $(J)\n$(J): %s ; @$(JOB).log $(ARGS)\nnext: %s\n' "$tool" "$jobs"
		[ "$next" = - ] ||
			printf '\t+@$(JSP) sh -c '\''echo "level %d: PARALLELISM=$$PARALLELISM"; exec $(MAKE) -s -f l%d.mk'\''\n' \
				"$next" "$next"
		printf '.PHONY: all tool jobs next $(J)\n'
	} >"$BATS_TEST_TMPDIR/l$k.mk"
}

# deep_build N HOLD PARALLEL: the three levels below a top-level make -j8.
deep_build() {
	write_job
	level_makefile 1 2 "$@"
	level_makefile 2 3 "$@"
	level_makefile 3 - "$@"
	pool_makefile <<'EOF'
		+@$(JSP) sh -c 'echo "level 1: PARALLELISM=$$PARALLELISM"; exec $(MAKE) -s -f l1.mk'
EOF
	pool_run -j8
}

# claimed [ tool]: "K:P" for each level's PARALLELISM (or its tool's), as printed, in order.
claimed() { sed -n "s/^level \([0-9]\)$1: PARALLELISM=\([0-9]*\)$/\1:\2/p" <<<"$output" | sort | tr '\n' ' '; }

case_chain() {
	local k
	deep_build 8 200 0
	[ "$(claimed '')" = '1:8 2:8 3:8 ' ]
	[ "$(claimed ' tool')" = '1:8 2:8 3:8 ' ]
	for k in 1 2 3; do
		assert_width "l$k-tool.log" 8 8
		assert_width "l$k.log" 8 8
	done
	assert_width deep.log 8 48
	assert_pool_whole 8
}
@test "make 4.3 -j8: 3 levels of wrapped sub-makes, a wrapped tool at each: 8 at once at every level" {
	need_make 43; case_chain
}
@test "make 4.4.1 -j8: 3 levels of wrapped sub-makes, a wrapped tool at each: 8 at once at every level" {
	need_make 44; case_chain
}

# Every level runs its tool, its 8 jobs and the next level at once: who gets how many
# depends on timing, but no level holds more than the level above gave it, and the tree
# never runs more than 8 jobs at once.
case_busy() {
	local k level tool up=8
	deep_build 1 300 1
	for k in 1 2 3; do
		level=$(claimed '' | grep -o "$k:[0-9]*" | cut -d: -f2)
		tool=$(claimed ' tool' | grep -o "$k:[0-9]*" | cut -d: -f2)
		echo "level $k: given $level of $up, its tool $tool" >&2
		[ "$level" -ge 1 ] && [ "$level" -le "$up" ] && [ "$tool" -ge 1 ] && [ "$tool" -le "$level" ]
		up=$level
	done
	assert_peak_at_most deep.log 8
	assert_pool_whole 8
}
@test "make 4.3 -j8: 3 levels busy at once: no level holds more than it was given, 8 at once at most" {
	need_make 43; case_busy
}
@test "make 4.4.1 -j8: 3 levels busy at once: no level holds more than it was given, 8 at once at most" {
	need_make 44; case_busy
}
