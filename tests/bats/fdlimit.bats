#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The reaper's fd budget (preload/reaper_fds.h) under a small hard RLIMIT_NOFILE, which the
# reaper inherits from the owner that starts it: a limit too small for one vault gets no
# claim at once; a limit of 30 gets the reaper two or three vaults (as many as the fds its
# owners pass leave room for) and no more, and the owners that find none claim nothing and
# say that the fd limit is why. Every case ends, the pool whole.
# (unit.fds plays the budget itself under many limits.)

load helpers

setup() {
	need_tool prlimit
}

@test "make 4.3: a hard fd limit of 20: no vault, no claim, and the message names the limit" {
	need_make 43
	pool_makefile <<'EOF'
	+@prlimit --nofile=20:20 $(JSP) -v sh -c 'echo "par=$$PARALLELISM"'
EOF
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx 'par=' <<<"$output"
	grep -q "could not claim tokens from .*: the reaper's fd limit (RLIMIT_NOFILE, ulimit -n) leaves no room for a vault" <<<"$output"
	assert_pool_whole 8
}

@test "make 4.4.1: a reaper started under a hard fd limit of 30 holds a few owners; the next ones are told why they get none" {
	need_make 44
	# The first owner starts the reaper under the limit and holds a vault until the three
	# others have claimed or not; of those, each holds what it got until all three ran,
	# and one gets the second vault. They start once --status lists the first owner: the
	# reaper may have room for its second vault only once it took that owner's claim (the first
	# vault's fds were promised to it until then), and a claim that found no ticket for
	# 200 ms meanwhile, on a loaded machine, would have been told the limit as well.
	pool_makefile <<'EOF'
	+@prlimit --nofile=30:30 $(JSP) -v --max 2 sh -c 'echo $$$$ > pid; mv pid started; until [ "$$(ls done.* 2>/dev/null | wc -l)" -eq 3 ]; do sleep 0.01; done'
EOF
	cat >>"$BATS_TEST_TMPDIR/Makefile" <<'EOF'
all: o1 o2 o3
o1 o2 o3:
	+@until [ -e started ] && $(JSP) --status | grep -q "^owner: pid=$$(cat started) "; do sleep 0.01; done; \
	$(JSP) -v --max 2 sh -c 'echo "$@ par=$$PARALLELISM"; \
		: > done.$@; until [ "$$(ls done.* | wc -l)" -eq 3 ]; do sleep 0.01; done'
EOF
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	local got told
	got=$(grep -c '^o[1-3] par=2$' <<<"$output")
	told=$(grep -c "could not claim tokens from .*: the reaper's fd limit (RLIMIT_NOFILE, ulimit -n) leaves no room for a vault" <<<"$output")
	echo "# $got of 3 owners got a vault beside the first, $told were told the fd limit is why" >&3
	[ "$got" -ge 1 ] && [ "$told" -ge 1 ] && [ $((got + told)) -eq 3 ]
	assert_pool_whole 8
}
