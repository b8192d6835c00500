# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the pool*.bats suites (issue 15): the descendants of a wrapped command that are
# jobserver clients themselves (a sub-make, gcc's LTO, cargo) share the tokens claimed for
# it instead of finding make's jobserver empty. Load after helpers and tools: every job is
# tests/tools/slot (tools.bash), which appends its start and end to a log with O_APPEND and
# waits for N jobs to run at once (at most $WAIT ms), so that a tree that runs N at once
# shows exactly N, one that runs fewer shows fewer, and one that runs more starts another
# within the hold.

# How long a job waits for its N-1 companions before it gives up and holds alone: long
# enough for a loaded machine or the sanitizer build to start 8 processes, short enough
# that a tree that runs one job at a time fails in seconds, not minutes.
WAIT=${JSP_POOL_WAIT_MS:-4000}
export WAIT

# sub_makefile NAME JOBS [HOLD_MS]: writes NAME, a Makefile of JOBS slot jobs logging to
# $(LOG) and waiting for $(N) (default 8) at once, each held HOLD_MS (default 300).
sub_makefile() {
	{
		printf 'N ?= 8\nJ := %s\nall: $(J)\n' "$(seq -s ' ' "$2")"
		printf '$(J): ; @$(SLOT) $(LOG) $(N) %s $(WAIT)\n.PHONY: all $(J)\n' "${3:-300}"
	} >"$BATS_TEST_TMPDIR/$1"
}

# assert_width LOG PEAK JOBS: the jobs logged in LOG ran PEAK at once at most, and all JOBS
# of them ran.
assert_width() {
	local got
	got=$("$SLOT" --peak "$BATS_TEST_TMPDIR/$1")
	echo "$1: $got; want peak=$2 jobs=$3" >&2
	[ "$got" = "peak=$2 jobs=$3" ]
}

# assert_peak_at_most LOG MAX: no more than MAX jobs logged in LOG ran at once, and at least one ran.
assert_peak_at_most() {
	local got peak
	got=$("$SLOT" --peak "$BATS_TEST_TMPDIR/$1")
	peak=${got#peak=} peak=${peak%% *}
	echo "$1: $got; want a peak of 1 to $2" >&2
	[ "$peak" -ge 1 ] && [ "$peak" -le "$2" ]
}

# peak_of LOG: the peak alone.
peak_of() {
	local got
	got=$("$SLOT" --peak "$BATS_TEST_TMPDIR/$1")
	got=${got#peak=}
	echo "${got%% *}"
}

# pool_run ARGS...: jsp_make with the output shown on failure and status 0 required.
pool_run() {
	jsp_make "$@"
	echo "$output"
	[ "$status" -eq 0 ]
}

# wait_log LOG N: a recipe's shell words that wait until LOG holds N "+" lines (N jobs
# started), at most 20 s.
wait_log() {
	printf 'i=0; until [ "$$(cat %s 2>/dev/null | grep -c "^+")" -ge %d ] || [ $$i -ge 2000 ]; do sleep 0.01; i=$$((i + 1)); done' \
		"$1" "$2"
}
