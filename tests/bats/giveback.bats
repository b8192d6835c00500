#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The give-back's lock (preload/owner_release.c): every splice into the jobserver is made
# under flock(2) on the splicer's own writer of it, so that owners ending together count
# the pipe's room one at a time. An owner that cannot have the lock within a few ms leaves
# its tokens to the reaper (a RELEASE, answered before the owner ends), which copies them
# and needs no lock. Here a process holds the lock on make's jobserver for a second while
# an owner ends normally: the reaper gives back for it, before make sees its status.

load helpers

setup() {
	need_tool flock
}

# locked_end MAKE: the holder takes the lock on the jobserver (its fd named in MAKEFLAGS,
# or the fifo) and keeps it 1 s; the owner ends meanwhile; the count right after its end
# must not have to wait.
locked_end() {
	need_make "$1"
	pool_makefile <<'EOF'
	+@js=$$(sed -n 's/.*--jobserver-auth=fifo:\([^ ]*\).*/\1/p' <<<"$$MAKEFLAGS"); \
	[ -n "$$js" ] || js=/proc/self/fd/$$(sed -n 's/.*--jobserver-auth=\([0-9]*\),.*/\1/p' <<<"$$MAKEFLAGS"); \
	flock -x "$$js" -c ': > locked; sleep 1' & until [ -e locked ]; do sleep 0.001; done; \
	JOBSERVER_PRELOAD_VERBOSE=1 $(JSP) sh -c 'echo "par=$$PARALLELISM"'; \
	echo "right after: pool=$$($(TOKENS) count)"; wait
EOF
	sed -i '1i SHELL = /bin/bash' "$BATS_TEST_TMPDIR/Makefile"
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx 'par=8' <<<"$output"
	grep -q 'gave back 7 tokens for pid' <<<"$output" # by the reaper
	refute grep -q 'gave back 7 tokens at exit' <<<"$output" # not by the owner
	grep -qx 'right after: pool=7' <<<"$output"
	assert_pool_whole 8
}

@test "make 4.3: the jobserver's lock held by another: the reaper gives back, before the owner ends" {
	locked_end 43
}

@test "make 4.4.1: the jobserver's lock held by another: the reaper gives back, before the owner ends" {
	locked_end 44
}

@test "make 4.3: the lock free: the owner gives back itself" {
	need_make 43
	pool_makefile <<'EOF'
	+@JOBSERVER_PRELOAD_VERBOSE=1 $(JSP) sh -c 'echo "par=$$PARALLELISM"'
EOF
	jsp_make -j8
	echo "$output"
	grep -qx 'par=8' <<<"$output"
	grep -q 'gave back 7 tokens at exit' <<<"$output"
	refute grep -q 'gave back 7 tokens for pid' <<<"$output"
	assert_pool_whole 8
}
