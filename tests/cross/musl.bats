#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# A musl process tree (tests/run-cross musl): GNU make 4.4.1, the launcher, the library and
# the test programs all built with musl-gcc. No glibc program may run in it: one that got
# the musl library in LD_PRELOAD would not even start. So every recipe line is a simple
# command, which make execs without a shell (the first case checks, under strace, that all
# it ran is musl). The counts are tests/tools/tokens's, one number a line.
#
# JSP_BUILD   the musl build tree (build-musl)
# JSP_MAKE44  make 4.4.1 built with musl-gcc

load ../bats/helpers
load ../bats/pool

setup() {
	need_make 44
	VICTIM=$TOOLS/victim
}

# musl_makefile: the Makefile from stdin, after the variables every case uses.
musl_makefile() {
	{
		printf 'JSP = %s\nLIB = %s\nVICTIM = %s\nTOKENS = %s\nTOOLS = %s\n' \
			"$JSP" "$LIB" "$VICTIM" "$TOKENS" "$TOOLS"
		cat
	} | write_makefile
}

# assert_counts N...: the numbers the make run printed, one a line, are N..., and make
# neither failed nor found its tokens miscounted.
assert_counts() {
	local got
	[ "$status" -eq 0 ] || { echo "make exited $status: $output" >&2; return 1; }
	! grep -q 'INTERNAL: Exiting with' <<<"$output" || { echo "$output" >&2; return 1; }
	got=$(grep -x '[0-9][0-9]*' <<<"$output" | tr '\n' ' ')
	[ "$got" = "$* " ] || { echo "expected counts $*, got $got in: $output" >&2; return 1; }
}

# is_musl FILE: a program that musl's ld.so loads, or a static one without glibc's ABI note.
is_musl() {
	local l
	l=$(readelf -lW "$1") || return 1
	grep -q 'interpreter: /lib/ld-musl-' <<<"$l" && return 0
	! grep -q interpreter <<<"$l" && ! readelf -nW "$1" | grep -q NT_GNU_ABI_TAG
}

# What victim env prints after its edits, for itself and for the image it execs.
ENV_WANT='PARALLELISM=99 NEW=1 PUT=3 GONE=unset MANY199=199 JOBSERVER_PRELOAD_CLAIM=unset'

# The launcher claims, and gives back before make sees the status: by exit, _exit, a
# return from main, and an exec (victim env execs itself, the owner's pid goes on).
launcher_makefile() {
	musl_makefile <<'EOF'
all:
	@+$(JSP) $(VICTIM) exit
	@+$(TOKENS) count
	@+$(JSP) $(VICTIM) _exit
	@+$(TOKENS) count
	@+$(JSP) $(VICTIM) return
	@+$(TOKENS) count
	@+$(JSP) $(VICTIM) env
	@+$(TOKENS) count
	@+$(JSP) --max 3 $(TOKENS) count
	@+$(TOKENS) count
EOF
}
case_launcher() {
	launcher_makefile
	jsp_make -j8 --jobserver-style="$1"
	echo "$output"
	[ "$(grep -cx 'PARALLELISM=8 pid=[0-9]*' <<<"$output")" -eq 4 ]
	grep -qx "self $ENV_WANT" <<<"$output"
	grep -qx "child $ENV_WANT" <<<"$output" # the exec'd image
	assert_counts 7 7 7 7 2 7 # 2: the wrapped counter's private jobserver holds what it claimed
}

@test "musl: make, the launcher, the library and the test programs, and all that make runs" {
	need_tool readelf strace
	local f
	for f in "$MAKE" "$JSP" "$VICTIM" "$TOKENS" "$TOOLS/killat"; do
		is_musl "$f" || { echo "$f is not a musl program:" >&2; readelf -lnW "$f" >&2; false; }
	done
	readelf -dW "$LIB" | grep -q 'NEEDED.*\[libc\.so\]' || { readelf -dW "$LIB" >&2; false; }
	launcher_makefile
	run timeout -k 5 "$TIMEOUT" strace -f -qq -e trace=execve -e signal=none \
		-o "$BATS_TEST_TMPDIR/exec.log" "$MAKE" -C "$BATS_TEST_TMPDIR" --no-print-directory -j8
	assert_counts 7 7 7 7 2 7
	sed -n 's/^[0-9]* *execve("\([^"]*\)".*= 0$/\1/p' "$BATS_TEST_TMPDIR/exec.log" | sort -u >"$BATS_TEST_TMPDIR/ran"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/ran")" -ge 4 ] || { cat "$BATS_TEST_TMPDIR/exec.log" >&2; false; }
	while read -r f; do
		is_musl "$f" || { echo "make ran $f, which is not musl" >&2; false; }
	done <"$BATS_TEST_TMPDIR/ran"
}

@test "musl, make 4.4.1 fifo: the launcher claims; exit, _exit, return, exec give back" { case_launcher fifo; }
@test "musl, make 4.4.1 pipe: the launcher claims; exit, _exit, return, exec give back" { case_launcher pipe; }

# SIGKILL: raised by the owner itself, and from outside swept across its start (killat
# kills 50 runs at delays from its fork to past its claim). Then the reaper gives back.
case_sigkill() {
	local t0 max
	t0=${EPOCHREALTIME/./}
	"$JSP" "$VICTIM" _exit >/dev/null
	max=$(((${EPOCHREALTIME/./} - t0) * 2))
	musl_makefile <<EOF
export JOBSERVER_PRELOAD_VERBOSE = 1
all:
	-@+\$(JSP) \$(VICTIM) kill9
	@+\$(TOKENS) count 7
	@+\$(TOOLS)/killat 50 $max KILL \$(JSP) \$(VICTIM) sleep
	@+\$(TOKENS) count 7
EOF
	jsp_make -j8 --jobserver-style="$1"
	echo "$output"
	grep -qx 'PARALLELISM=8 pid=[0-9]*' <<<"$output"
	grep -q '^killat: 50 runs' <<<"$output"
	grep -q 'claimed 7 tokens' <<<"$output" # kills came after a claim too
	assert_counts 7 7
}
@test "musl, make 4.4.1 fifo: SIGKILLed owners, the reaper gives back" { case_sigkill fifo; }
@test "musl, make 4.4.1 pipe: SIGKILLed owners, the reaper gives back" { case_sigkill pipe; }

# LD_PRELOAD for every recipe and a program selected by name, which claims in musl's
# constructor (no argv there: musl passes none), and edits its environment after our
# exports put environ in the library's own array; the other programs do not claim.
case_preloaded() {
	musl_makefile <<'EOF'
export LD_PRELOAD = $(LIB)
export JOBSERVER_PRELOAD_PROGRAMS = victim
export GONE = 1
all:
	@+$(VICTIM) env
	@+$(TOKENS) count
	@+$(VICTIM) _exit
	@+$(TOKENS) count
EOF
	jsp_make -j8 --jobserver-style="$1"
	echo "$output"
	[ "$(grep -cx 'PARALLELISM=8 pid=[0-9]*' <<<"$output")" -eq 2 ]
	grep -qx 'environ-at=libjobserver-preload.so' <<<"$output"
	grep -qx "self $ENV_WANT" <<<"$output"
	grep -qx "child $ENV_WANT" <<<"$output"
	assert_counts 7 7
}
@test "musl, make 4.4.1 fifo: preloaded, a program selected by name claims and edits its environment" {
	case_preloaded fifo
}
@test "musl, make 4.4.1 pipe: preloaded, a program selected by name claims and edits its environment" {
	case_preloaded pipe
}

# The private jobserver (issue 15): a wrapped musl sub-make of 16 slot jobs runs 8 at once
# at make -j8, as the same sub-make unwrapped does, through the pool that the library made
# its tree's jobserver (MAKEFLAGS edited in musl's environ for fifo, the fds at make's
# numbers for pipe); the pool is whole at the end.
case_pool() {
	SLOT=$TOOLS/slot
	export SLOT
	sub_makefile sub.mk 16
	musl_makefile <<'EOF'
all:
	@+$(MAKE) -s -f sub.mk LOG=$(CURDIR)/plain.log
	@+$(JSP) $(MAKE) -s -f sub.mk LOG=$(CURDIR)/wrapped.log
	@+$(TOKENS) count
EOF
	jsp_make -j8 --jobserver-style="$1"
	echo "$output"
	assert_counts 7
	assert_width plain.log 8 16
	assert_width wrapped.log 8 16
}
@test "musl, make 4.4.1 fifo: a wrapped sub-make runs 8 jobs at once through the private jobserver" {
	case_pool fifo
}
@test "musl, make 4.4.1 pipe: a wrapped sub-make runs 8 jobs at once through the private jobserver" {
	case_pool pipe
}
