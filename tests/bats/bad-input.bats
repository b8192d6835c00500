#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Bad input: MAKEFLAGS that names no usable jobserver. Each case shows the four promises:
# no claim (PARALLELISM stays unset), no byte written (the victim files' bytes are the
# same), no hang (a timeout around each run), the command still runs; and with -v a
# message that names the cause. Most cases set MAKEFLAGS by hand outside make and open
# fds 3 and 4 with redirections; the last ones run under real make.

load helpers
bats_require_minimum_version 1.5.0

TIMEOUT=20
RAN='ran P=${PARALLELISM-unset}'

setup() {
	unset PARALLELISM MFLAGS
	cd "$BATS_TEST_TMPDIR"
	victim v3
	victim v4
}

# run_bad MAKEFLAGS [REDIRECTIONS]: the launcher with -v under a timeout, outside make.
# Every case names fds 3 and 4 in REDIRECTIONS: bats itself keeps fd 3 open.
run_bad() {
	local cmd
	cmd="MAKEFLAGS=$(printf %q "$1") timeout -k 2 10 $(printf %q "$JSP") -v sh -c"
	run --separate-stderr eval "$cmd $(printf %q "echo $RAN") ${2:-}"
}

# assert_refused KEYWORD...: the promises above, and stderr naming the cause.
assert_refused() {
	local k
	echo "status=$status stdout=$output stderr=$stderr"
	[ "$status" -eq 0 ]
	[ "$output" = 'ran P=unset' ]
	assert_unchanged v3
	assert_unchanged v4
	[[ $stderr == "jobserver-preload["* ]]
	[[ $stderr != *claimed* ]]
	for k; do
		[[ $stderr == *"$k"* ]] || { echo "no '$k' in the message" >&2; return 1; }
	done
}

@test "closed fds 3 and 4" {
	run_bad ' -j8 --jobserver-auth=3,4' '3<&- 4>&-'
	assert_refused 'fd 3 ' 'is closed' "prefix the line with '+'"
}

@test "fds 3 and 4 reopened to regular files" {
	run_bad ' -j8 --jobserver-auth=3,4' '3<>v3 4<>v4'
	assert_refused 'fd 3 ' 'is a regular file, not a pipe' "'+'"
	run_bad ' -j8 --jobserver-fds=3,4' '3<v3 4>>v4'
	assert_refused 'fd 3 ' 'is a regular file, not a pipe'
}

@test "fd 3 a pipe, fd 4 a regular file" {
	run_bad ' -j8 --jobserver-auth=3,4' '3< <(echo xxxxxxx) 4<>v4'
	assert_refused 'fd 4 ' 'is a regular file, not a pipe'
}

@test "fds 3 and 4 two different pipes" {
	run_bad ' -j8 --jobserver-auth=3,4' '3< <(echo xxxxxxx) 4> >(cat >>v4)'
	assert_refused 'two different pipes'
}

@test "fd 3 the write end of a pipe" {
	run_bad ' -j8 --jobserver-auth=3,4' '3> >(cat >>v3) 4>&3'
	assert_refused 'fd 3 ' 'open only for writing'
}

@test "fds 3 and 4 that are /dev/null" {
	run_bad ' -j8 --jobserver-auth=3,4' '3</dev/null 4>/dev/null'
	assert_refused 'fd 3 ' 'is a character device, not a pipe'
}

# Sockets come from Python (the shell has no socketpair). Bytes wait to be read on the
# sockets that are fds 3 and 4: they must still be there after, and nothing may arrive
# at the other ends.
@test "fds 3 and 4 that are sockets" {
	need_tool python3
	MAKEFLAGS=' -j8 --jobserver-auth=3,4' run --separate-stderr timeout -k 2 10 python3 -c '
import socket, subprocess, sys
a, b = socket.socketpair()
c, d = socket.socketpair()
for s in (b, d):
    s.send(b"+++")
r = subprocess.run(["sh", "-c", "exec \"$@\" 3<&%d 4<&%d" % (a.fileno(), c.fileno()), "sh"]
                   + sys.argv[1:], pass_fds=(a.fileno(), c.fileno()))
for s, want in ((a, b"+++"), (c, b"+++"), (b, None), (d, None)):
    s.setblocking(False)
    try:
        got = s.recv(64)
    except BlockingIOError:
        got = None
    if got != want:
        print("socket: %r instead of %r" % (got, want))
sys.exit(r.returncode)' "$JSP" -v sh -c "echo $RAN"
	assert_refused 'fd 3 ' 'is a socket, not a pipe'
}

@test "-2,-2: make 4.4 says this recipe gets no jobserver" {
	run_bad ' -j8 --jobserver-auth=3,4 --jobserver-auth=-2,-2' '3<>v3 4<>v4'
	assert_refused '--jobserver-auth=-2,-2' "prefix the recipe line with '+'"
}

@test "fifo path that is a regular file, or a symlink to one" {
	run_bad " -j8 --jobserver-auth=fifo:$BATS_TEST_TMPDIR/v3" '3<>v4 4<>v4'
	assert_refused "$BATS_TEST_TMPDIR/v3 is a regular file, not a fifo"
	ln -s v3 link
	run_bad " -j8 --jobserver-auth=fifo:$BATS_TEST_TMPDIR/link" '3<>v4 4<>v4'
	assert_refused "link is a regular file, not a fifo"
}

@test "fifo path that is a directory, a device, or missing" {
	run_bad " -j8 --jobserver-auth=fifo:$BATS_TEST_TMPDIR" '3<>v3 4<>v4'
	assert_refused 'is a directory, not a fifo'
	run_bad " -j8 --jobserver-auth=fifo:/dev/null" '3<>v3 4<>v4'
	assert_refused '/dev/null is a character device, not a fifo'
	run_bad " -j8 --jobserver-auth=fifo:$BATS_TEST_TMPDIR/GMfifo-gone" '3<>v3 4<>v4'
	assert_refused 'GMfifo-gone: no such file or directory'
}

@test "--jobserver-auth= with garbage" {
	local v
	for v in 3 a,b fifo: 3,4,5 '' ,4 3, 4294967299,4 +3,4 '3 ,4'; do
		run_bad " -j8 --jobserver-auth=$v" '3<>v3 4<>v4'
		assert_refused 'names no jobserver'
	done
	run_bad ' -j8 --jobserver-auth=99,98' '3<>v3 4<>v4'
	assert_refused 'fd 99 ' 'is closed'
}

# The peer (the seed patch's jobserver-exec) on the same input: it reads the regular
# file to its end and then spins on end-of-file; only the timeout stops it.
@test "compared: the peer never ends on fd 3 reused by a regular file" {
	need_tool python3
	run_bad ' -j8 --jobserver-auth=3,4' '3<>v3 4<>v4'
	assert_refused 'is a regular file'
	MAKEFLAGS=' -j8 --jobserver-auth=3,4' run timeout 3 \
		python3 /work/shared/reference/jobserver-exec.py echo ran 3<>v3 4<>v4
	[ "$status" -eq 124 ]
	[[ $output != *ran* ]]
}

# Under real make 4.3, a recipe without '+' has fds 3 and 4 closed but still named in
# MAKEFLAGS; the shell's redirections or 'exec' then reuse them for regular files.
@test "make 4.3, recipe without '+': closed fds, or reused for regular files" {
	need_make 43
	pool_makefile <<'EOF'
		$(JSP) -v sh -c 'echo ran P=$${PARALLELISM-unset}'
		$(JSP) -v sh -c 'echo ran P=$${PARALLELISM-unset}' 3<>v3 4<>v4
		exec 3<>v3 4<>v4; $(JSP) -v sh -c 'echo ran P=$${PARALLELISM-unset}'
EOF
	# As from a terminal: bats holds fds 3 and 4 open, and make's pipe must get them.
	jsp_make -j8 3>&- 4>&-
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -cx 'ran P=unset' <<<"$output")" -eq 3 ]
	grep -q "fd 3 (the jobserver's read end in MAKEFLAGS) is closed" <<<"$output"
	[ "$(grep -c 'fd 3 .* is a regular file, not a pipe' <<<"$output")" -eq 2 ]
	assert_unchanged v3
	assert_unchanged v4
	assert_pool_whole 8
}

# make 4.4.1 in pipe style writes --jobserver-auth=-2,-2 into a recipe without '+' of a
# sub-make (the top-level make adds nothing there; seen in make's variable.c).
@test "make 4.4.1 --jobserver-style=pipe, sub-make recipe without '+': -2,-2" {
	need_make 44
	write_makefile <<'EOF'
all: sub
	+@echo pool=$$($(TOKENS) count)
sub:
	+@$(MAKE) --no-print-directory inner
inner:
	@echo "MAKEFLAGS=$$MAKEFLAGS"; $(JSP) -v sh -c 'echo ran P=$${PARALLELISM-unset}' 3<>v3 4<>v4
EOF
	jsp_make -j8 --jobserver-style=pipe
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q '^MAKEFLAGS=.*--jobserver-auth=-2,-2' <<<"$output"
	grep -qx 'ran P=unset' <<<"$output"
	grep -q 'MAKEFLAGS has --jobserver-auth=-2,-2' <<<"$output"
	assert_unchanged v3
	assert_unchanged v4
	assert_pool_whole 8
}

# Not bad input, but the same recipe: make 4.4.1's fifo stays in MAKEFLAGS of a recipe
# without '+' and is usable there, so the command claims and gives back as usual.
@test "make 4.4.1 fifo, recipe without '+': the fifo is usable, so it claims" {
	need_make 44
	pool_makefile <<'EOF'
		$(JSP) sh -c 'echo P=$$PARALLELISM; echo held=$$($(TOKENS) count)' 3<>v3 4<>v4
EOF
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx 'P=8' <<<"$output"
	grep -qx 'held=7' <<<"$output" # its private jobserver (pool.bats) holds them
	assert_unchanged v3
	assert_unchanged v4
	assert_pool_whole 8
}

# Garbage in MAKEFLAGS while fds 3 and 4 (make 4.3) are the real jobserver: no token
# may be taken on a misreading such as "3" or "3,4,5" taken for 3,4.
case_garbage_real() {
	pool_makefile <<'EOF'
		+@echo "real: $$MAKEFLAGS"; for v in 3 3,4,5 a,b fifo: 3, ,4 -2,-2; do \
		  MAKEFLAGS=" -j8 --jobserver-auth=$$v" $(JSP) sh -c 'echo ran P=$${PARALLELISM-unset}'; \
		done
EOF
	jsp_make -j8 3>&- 4>&-
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $MAKE != "$MAKE43" ]] || grep -Eq -- '^real: .*--jobserver-auth=3,4( |$)' <<<"$output"
	[ "$(grep -cx 'ran P=unset' <<<"$output")" -eq 7 ]
	assert_pool_whole 8
}
@test "make 4.3: garbage MAKEFLAGS over the real jobserver fds takes nothing" { need_make 43; case_garbage_real; }
@test "make 4.4.1: garbage MAKEFLAGS in a recipe takes nothing" { need_make 44; case_garbage_real; }
