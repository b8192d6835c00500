#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 16, the elastic private jobserver (docs/design.md, "An elastic private
# jobserver"), under make 4.3 and 4.4.1 at -j8:
# - growth: 6 recipes hold a slot each for 1 s while a wrapped sub-make of 32 jobs x 0.25 s
#   starts with 2; it grows to 8 when they end (about 1.8 s in all; 4 s static, measured
#   beside it with -I or --no-elastic, which keep it 2 wide);
# - give-back: a tool run with --elastic whose sub-make ends at once and which then runs
#   2 s serially gives its tokens back: an unwrapped sub-make of 8 jobs x 0.5 s started
#   0.3 s later ends in about 1 s, not 2.3 s;
# - a fixed-count tool (xargs -P $PARALLELISM) keeps its tokens for its whole run;
# - a bad JOBSERVER_PRELOAD_ELASTIC: the launcher exits 125, LD_PRELOAD mode claims nothing.
# Every job of a run marks itself running in a directory: the peak width is never above -j.
# The pool is whole at the end ($(TOKENS) count).

load helpers

# Shell words of a job NAME that holds a slot SECS: it marks itself running in $(M) and
# records how many ran then, all and the sub-make's (s*) alone: the peak is the most
# recorded, never more than ran at once.
job() {
	printf '@touch $(M)/%s; ls $(M) | wc -l >>$(M).n; ls $(M) | grep -c ^s >>$(M).s; sleep %s; rm -f $(M)/%s' \
		"$1" "$2" "$1"
}

# The growth case. WRAP: the launcher's options for the tool's sub-make.
growth_makefile() {
	local wrap=$1
	{
		printf 'M := %s/running\nJ := $(shell seq 32)\nall: $(J)\n' "$BATS_TEST_TMPDIR"
		printf '$(J): ; %s\n' "$(job 's$@' 0.25)"
	} >"$BATS_TEST_TMPDIR/sub.mk"
	{
		printf 'M := %s/running\nJSP = %s\nTOKENS = %s\n' "$BATS_TEST_TMPDIR" "$JSP" "$TOKENS"
		printf 'all: run\n\t+@echo pool=$$($(TOKENS) count)\nrun: h1 h2 h3 h4 h5 h6 tool\n'
		printf 'h1 h2 h3 h4 h5 h6: ; %s\n' "$(job '$@' 1)"
		# The holders start first: the tool finds one token free, PARALLELISM=2.
		printf 'tool: ; +@sleep 0.1; s=$$(date +%%s%%N); $(JSP) -v %s $(MAKE) -s -f sub.mk X={}; ' "$wrap"
		printf 'e=$$(date +%%s%%N); echo tool_ms=$$(( (e - s) / 1000000 ))\n'
	} | write_makefile
	mkdir -p "$BATS_TEST_TMPDIR/running"
	: >"$BATS_TEST_TMPDIR/running.n"
	: >"$BATS_TEST_TMPDIR/running.s"
}

# run_growth WRAP: the tool's wall time in $ms, the peak width in $peak, the sub-make's
# own in $sub.
run_growth() {
	growth_makefile "$1"
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	assert_pool_whole 8
	grep -q 'PARALLELISM=2$' <<<"$output"
	ms=$(sed -n 's/^tool_ms=//p' <<<"$output")
	peak=$(sort -n "$BATS_TEST_TMPDIR/running.n" | tail -1)
	sub=$(sort -n "$BATS_TEST_TMPDIR/running.s" | tail -1)
	[ -n "$ms" ] && [ "$peak" -le 8 ]
}

case_growth() {
	local static=$1 ms peak sub elastic_ms elastic_peak elastic_sub
	run_growth ""
	elastic_ms=$ms elastic_peak=$peak elastic_sub=$sub
	grep -q 'moved [0-9]* free tokens into the private jobserver' <<<"$output"
	run_growth "$static"
	echo "# $($MAKE --version | head -1): elastic ${elastic_ms} ms (peak $elastic_peak," \
		"sub-make $elastic_sub), static ($static) ${ms} ms (peak $peak, sub-make $sub)" >&3
	refute grep -q 'moved [0-9]* free tokens' <<<"$output"
	# 3.2 s, plus what this machine's start-up costs above 4 s in the static run (the
	# sanitizer build: about 1.6 s): a pool that never grew takes the static run's time.
	[ "$elastic_ms" -lt $((3200 + (ms > 4000 ? ms - 4000 : 0))) ]
	[ "$ms" -ge 3500 ] # 32 x 0.25 s 2 wide: the count set the width, nothing grew
	[ "$elastic_sub" -ge 6 ] # it did run wider than the 2 it started with
	[ "$sub" -le 2 ]
}
@test "make 4.3 -j8: a wrapped sub-make grows from 2 to 8 when the other recipes end; -I keeps it at 2" {
	need_make 43; case_growth '-I{}'
}
@test "make 4.4.1 -j8: a wrapped sub-make grows from 2 to 8 when the other recipes end; --no-elastic keeps it at 2" {
	need_make 44; case_growth --no-elastic
}

case_give_back() {
	local ms
	{
		printf 'all: ; @:\n' >"$BATS_TEST_TMPDIR/quick.mk"
		printf 'J := $(shell seq 8)\nall: $(J)\n$(J): ; @sleep 0.5\n' >"$BATS_TEST_TMPDIR/sub8.mk"
		printf 'JSP = %s\nTOKENS = %s\n' "$JSP" "$TOKENS"
		printf 'all: run\n\t+@echo pool=$$($(TOKENS) count)\nrun: tool late\n'
		printf 'tool: ; +@$(JSP) -v --elastic sh -c '\''echo P=$$PARALLELISM; $(MAKE) -s -f quick.mk; sleep 2'\''\n'
		printf 'late: ; +@sleep 0.3; s=$$(date +%%s%%N); $(MAKE) -s -f sub8.mk; '
		printf 'e=$$(date +%%s%%N); echo late_ms=$$(( (e - s) / 1000000 ))\n'
	} | write_makefile
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	assert_pool_whole 8
	ms=$(sed -n 's/^late_ms=//p' <<<"$output")
	echo "# $($MAKE --version | head -1): the later sub-make took ${ms} ms ($(grep -o 'P=[0-9]*' <<<"$output"))" >&3
	grep -q 'gave back [0-9]* idle tokens of the private jobserver' <<<"$output" # the reaper's, while the tool ran
	[ "$ms" -lt 1800 ]
}
@test "make 4.3 -j8: an --elastic tool that has finished its parallel part gives its tokens back" {
	need_make 43; case_give_back
}
@test "make 4.4.1 -j8: an --elastic tool that has finished its parallel part gives its tokens back" {
	need_make 44; case_give_back
}

# A fixed-count tool is never elastic by default: its PARALLELISM sets the width, and the
# tokens that back it stay held (make's pool counted empty all along, by a recipe marked
# '+' so that make 4.3 passes it the jobserver), even though its pool sits full (xargs
# reads no jobserver).
case_fixed() {
	pool_makefile <<'EOF'
		+@$(MAKE) -s -f inner.mk
EOF
	printf 'all: tool count\ntool: ; +@$(JSP) sh -c '\''echo P=$$PARALLELISM; seq $$PARALLELISM | xargs -P $$PARALLELISM -I{} sleep 1'\''\ncount: ; +@sleep 0.1; for i in 1 2 3 4 5 6 7; do printf "%%s " $$($(TOKENS) count); sleep 0.1; done; echo\n' \
		>"$BATS_TEST_TMPDIR/inner.mk"
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	assert_pool_whole 8
	grep -qx 'P=7' <<<"$output"
	grep -qx '\(0 \)\{7\}' <<<"$output"
}
@test "make 4.3 -j8: a fixed-count tool (xargs -P \$PARALLELISM) keeps its tokens for its whole run" {
	need_make 43; case_fixed
}
@test "make 4.4.1 -j8: a fixed-count tool (xargs -P \$PARALLELISM) keeps its tokens for its whole run" {
	need_make 44; case_fixed
}

case_bad_value() {
	pool_makefile <<'EOF'
		+@JOBSERVER_PRELOAD_ELASTIC=yes $(JSP) true; echo launcher=$$?
		+@LD_PRELOAD=$${LD_PRELOAD:+$$LD_PRELOAD:}$(LIB) JOBSERVER_PRELOAD_PROGRAMS=sh JOBSERVER_PRELOAD_VERBOSE=1 JOBSERVER_PRELOAD_ELASTIC=2 sh -c 'echo preload=$${PARALLELISM:-unset} free=$$($(TOKENS) count)'
EOF
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx 'launcher=125' <<<"$output"
	grep -q 'JOBSERVER_PRELOAD_ELASTIC=yes is neither 1 (on) nor 0 (off); set it to 1 or 0' <<<"$output"
	grep -q 'JOBSERVER_PRELOAD_ELASTIC=2 is neither 1 (on) nor 0 (off); not claiming' <<<"$output"
	grep -qx 'preload=unset free=7' <<<"$output"
	assert_pool_whole 8
}
@test "make 4.3 -j8: a bad JOBSERVER_PRELOAD_ELASTIC: exit 125 with the launcher, no claim with LD_PRELOAD" {
	need_make 43; case_bad_value
}
@test "make 4.4.1 -j8: a bad JOBSERVER_PRELOAD_ELASTIC: exit 125 with the launcher, no claim with LD_PRELOAD" {
	need_make 44; case_bad_value
}
