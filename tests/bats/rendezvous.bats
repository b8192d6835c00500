#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Where owners find the reaper (preload/rendezvous.h): a socket and its lock file in
# /tmp/jobserver-preload-EUID, named after the protocol version, the pid namespace and the
# jobserver; gone when the reaper ends, replaced after a reaper was killed. A directory that
# is not ours alone, and a /proc of another pid namespace, get no claim at once and a
# message that says why. The cases that change the directory run in a mount namespace of
# their own, with a tmpfs over it, so that no other build on this machine sees the change.

load helpers

setup() {
	need_tool unshare
	DIR=/tmp/jobserver-preload-$(id -u)
	mkdir -p -m 700 "$DIR" # ours, or the claims of this suite fail: asserted below
}

# claim_makefile CMD: a recipe that claims verbosely, prints its PARALLELISM and runs CMD
# (shell text for sh -c '...'), then the pool count.
claim_makefile() {
	pool_makefile <<EOF
	+@JOBSERVER_PRELOAD_VERBOSE=1 \$(JSP) sh -c 'echo "par=\$\$PARALLELISM"; $1'
EOF
}

@test "make 4.3: the reaper's socket and lock are in our directory, named for the pid namespace and the jobserver, and go with it" {
	need_make 43
	local ns want
	ns=$(printf '%x' "$(stat -L -c %i /proc/self/ns/pid)")
	# The recipe lists the directory while its reaper runs; the name's last parts are the
	# jobserver pipe's device and inode, in hex, as the recipe sees them in /proc before the
	# claim (in the command, the fds name its private jobserver: pool.bats).
	pool_makefile <<EOF
	+@j=\$\$(echo "\$\$MAKEFLAGS" | sed -n "s/.*--jobserver-auth=\([0-9]*\),.*/\1/p"); printf "want=2-$ns-%x-%x\n" \$\$(stat -L -c "%d %i" /proc/self/fd/\$\$j); \\
		JOBSERVER_PRELOAD_VERBOSE=1 \$(JSP) sh -c 'echo "par=\$\$PARALLELISM"; ls $DIR | sed "s/^/has=/"'
EOF
	jsp_make -j4
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx 'par=4' <<<"$output"
	want=$(sed -n 's/^want=//p' <<<"$output")
	grep -qx "has=$want" <<<"$output"
	grep -qx "has=$want.lock" <<<"$output"
	assert_pool_whole 4
	# The reaper ends 250 ms after its last owner, and takes both files with it.
	sleep 1
	[ ! -e "$DIR/$want" ] && [ ! -e "$DIR/$want.lock" ]
}

@test "make 4.4.1: a socket left by a reaper that was killed is replaced by the next one" {
	need_make 44
	# The first owner ends, so its reaper holds nothing when it is killed; the second
	# finds the socket file of a dead reaper (connect is refused) and starts a new one.
	pool_makefile <<'EOF'
	+@$(JSP) sh -c 'echo "$${JOBSERVER_PRELOAD_OWNER#*:}" | cut -d: -f1 > reaper; ls /tmp/jobserver-preload-$$(id -u) > names'
	+@kill -KILL $$(cat reaper); sleep 0.1; d=/tmp/jobserver-preload-$$(id -u); for f in $$(grep -v lock names); do [ -S $$d/$$f ] && echo left=$$f; done; true
	+@JOBSERVER_PRELOAD_VERBOSE=1 $(JSP) sh -c 'echo "par=$$PARALLELISM"'
EOF
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q '^left=2-' <<<"$output" # the dead reaper's socket was still there
	grep -qx 'par=8' <<<"$output"
	grep -q 'claimed 7 tokens' <<<"$output"
	assert_pool_whole 8
}

# private_dir OPTIONS MAKEARGS...: make in a mount namespace of its own where the
# directory is a tmpfs mounted with OPTIONS (its owner and mode).
private_dir() {
	local opts=$1
	shift
	run timeout -k 5 "$TIMEOUT" unshare -m --propagation private sh -c \
		'mount -t tmpfs -o "$1" jsp "$2" && shift 2 && exec "$@"' sh "$opts" "$DIR" \
		"$MAKE" -C "$BATS_TEST_TMPDIR" --no-print-directory "$@"
}

# refused OPTIONS WHY: the claim is refused, says WHY, and nothing is taken.
refused() {
	claim_makefile ''
	private_dir "$1" -j4
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx 'par=' <<<"$output" # PARALLELISM left as it was: unset
	grep -qF "$2" <<<"$output"
	grep -q "could not claim tokens from .*: the directory of the reaper's socket is not ours alone" <<<"$output"
	assert_pool_whole 4
}

@test "make 4.3: a directory of ours in a private mount: the claim works there" {
	need_make 43
	claim_makefile ''
	private_dir mode=0700 -j4
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx 'par=4' <<<"$output"
	assert_pool_whole 4
}

@test "make 4.3: the directory is another user's: no claim, and the message names its owner" {
	need_make 43
	refused uid=65534,mode=0700 "$DIR is not ours alone (owner uid 65534, mode 700; we are uid $(id -u)"
}

@test "make 4.4.1: the directory lets others in: no claim, and the message names its mode" {
	need_make 44
	refused mode=0755 "$DIR is not ours alone (owner uid $(id -u), mode 755;"
}

@test "make 4.3: /proc of another pid namespace: no claim, and the message says to mount one" {
	need_make 43
	# unshare --pid --fork without --mount-proc: /proc/self is our pid outside.
	pool_makefile <<'EOF'
	+@JOBSERVER_PRELOAD_VERBOSE=1 unshare --pid --fork $(JSP) sh -c 'echo "par=$$PARALLELISM"'
EOF
	jsp_make -j4
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx 'par=' <<<"$output"
	grep -q '/proc is not of this pid namespace (/proc/self is [0-9]*, this process is 1): mount a /proc of this namespace' <<<"$output"
	assert_pool_whole 4
}

# A peer of our own user that connects and sends nothing (pending.py, in a recipe of a
# claiming owner, so that the reaper runs): the reaper refuses each connection (shut,
# read once more, closed) once it has waited 1 s, and at once any beyond the 8 that one
# pid may have pending (preload/reaper_conns.h). The peer sees each refusal as an end of
# file.
@test "make 4.3: connections that send nothing wait 1 s at most, 8 at most from one pid" {
	need_make 43
	need_tool python3
	local ns
	ns=$(printf '%x' "$(stat -L -c %i /proc/self/ns/pid)")
	cat >"$BATS_TEST_TMPDIR/pending.py" <<'PY'
import os, select, socket, sys, time
conns = []
for i in range(12):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(sys.argv[1])
    conns.append(s)
t0 = time.monotonic()
left = dict(enumerate(conns))
while left and time.monotonic() - t0 < 5:
    ready, _, _ = select.select(list(left.values()), [], [], 5)
    for s in ready:
        i = conns.index(s)
        if s.recv(100) == b"":
            print("conn %d refused after %d ms" % (i, (time.monotonic() - t0) * 1000))
            del left[i]
print("still open: %d" % len(left))
PY
	# The socket's name from make's fds, read before the claim (in the command they name its
	# private jobserver: pool.bats).
	pool_makefile <<EOF
	+@j=\$\$(echo "\$\$MAKEFLAGS" | sed -n "s/.*--jobserver-auth=\\([0-9]*\\),.*/\\1/p"); \\
		s=\$\$(printf "$DIR/2-$ns-%x-%x" \$\$(stat -L -c "%d %i" /proc/self/fd/\$\$j)); \\
		JOBSERVER_PRELOAD_MAX=2 \$(JSP) python3 $BATS_TEST_TMPDIR/pending.py \$\$s
EOF
	jsp_make -j8
	echo "$output"
	grep -qx 'still open: 0' <<<"$output"
	# 4 refused at once (beyond 8), 8 after their second.
	[ "$(grep -Ec 'refused after [0-9]{1,3} ms$' <<<"$output")" -eq 4 ]
	[ "$(grep -Ec 'refused after (9[0-9]{2}|1[0-9]{3}|2[0-4][0-9]{2}) ms$' <<<"$output")" -eq 8 ]
	assert_pool_whole 8
}

# A pid namespace of its own ends when its init does, and the kernel kills our reaper in
# it then: an owner there claims only with a make of its own namespace among its ancestors
# (a container that runs the build), where the reaper outlives every count that matters.
@test "make 4.4.1: the whole build in a pid namespace of its own: claims, a killed owner's tokens come back" {
	need_make 44
	pool_makefile <<'EOF'
	-+@JOBSERVER_PRELOAD_VERBOSE=1 $(JSP) sh -c 'echo "par=$$PARALLELISM"; kill -KILL $$$$'
	+@n=0; while [ "$$($(TOKENS) count)" -lt 7 ] && [ $$n -lt 250 ]; do n=$$((n + 1)); sleep 0.002; done
EOF
	run timeout -k 5 "$TIMEOUT" unshare --pid --fork --mount-proc \
		"$MAKE" -C "$BATS_TEST_TMPDIR" --no-print-directory -j8
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx 'par=8' <<<"$output"
	assert_pool_whole 8
}

@test "make 4.3: a command alone in a pid namespace of its own: no claim, and the message says why" {
	need_make 43
	pool_makefile <<'EOF'
	+@JOBSERVER_PRELOAD_VERBOSE=1 unshare --pid --fork --mount-proc $(JSP) sh -c 'echo "par=$$PARALLELISM"'
EOF
	jsp_make -j4
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx 'par=' <<<"$output"
	grep -q 'is in a pid namespace of its own (pid:\[[0-9]*\]) without a make in it: our reaper would end with the namespace' <<<"$output"
	assert_pool_whole 4
}
