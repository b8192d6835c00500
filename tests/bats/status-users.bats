#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 18: only the reaper's own user gets its STATUS. The build runs as jsp-owner (made
# for this suite, as in otheruser.bats) with a wrapped command holding 2 tokens; root,
# whom the socket's directory does not stop, asks with status-peer (which checks nothing
# itself) and must be refused by the reaper's own check of its credentials; jsp-hostile
# cannot even reach the socket. The owner's --status after both still names the holder.

load helpers
load faults
load hostile
load status

setup_file() {
	need_root || return 0
	users_create
	cp "$TOOLS/status-peer" "$PUB/"
	chmod a+rx "$PUB/status-peer"
}
teardown_file() {
	users_delete
}
setup() {
	need_root
	need_tool "$TOOLS/status-peer"
}

# users_makefile: run as jsp-owner in $ODIR. "look" finds the reaper's socket once it
# holds h, writes its path to "sock", waits until the driver has asked ("asked"), asks
# itself, and lets h end.
users_makefile() {
	{
		JSP=$PUB/jobserver-preload TOKENS=$PUB/tokens status_vars
		cat <<'EOF2'
all: count
h: ; +@$(HOLD) h 3
look:
	+@$(call WAIT_OWNERS,1); r=$$($(JSP) --status | sed -n 's/^reaper: pid \([0-9]*\) .*/\1/p'); \
	reaper_socket $$r > sock.tmp; mv sock.tmp sock; until [ -e asked ]; do sleep 0.01; done; \
	$(JSP) --status > after.txt; touch done
count: h look
	+@echo pool=$$($(TOKENS) count)
EOF2
	} >"$ODIR/Makefile"
	chown "$OWNER_USER" "$ODIR/Makefile"
}

status_users() {
	local as_hostile="setpriv --reuid=$HOSTILE_UID --regid=$(id -g "$HOSTILE_USER") --clear-groups"
	need_make "$1"
	owner_dir
	users_makefile
	export -f reaper_socket
	cat >"$ODIR/driver" <<EOF
cd "$ODIR"
setpriv --reuid=$OWNER_UID --regid=$(id -g "$OWNER_USER") --clear-groups \\
	$(owner_make "$1") -j8 --no-print-directory -f "$ODIR/Makefile" > make.out 2>&1 & m=\$!
until [ -s sock ] || ! kill -0 \$m 2>/dev/null; do sleep 0.01; done
echo "root: \$($PUB/status-peer ask "\$(cat sock)")"
echo "hostile: \$($as_hostile $PUB/status-peer ask "\$(cat sock)")"
touch asked; wait \$m; s=\$?; cat make.out; exit \$s
EOF
	run timeout -k 2 "$HOSTILE_TIMEOUT" bash "$ODIR/driver"
	echo "$output"
	cat "$ODIR/after.txt"
	[ "$status" -eq 0 ]
	assert_pool_whole 8
	grep -q '^root: refused: \(end of file\|Connection reset by peer\|send: Broken pipe\)$' <<<"$output"
	grep -qx 'hostile: refused: connect: Permission denied' <<<"$output"
	owner_line "$ODIR/after.txt" "$(cat "$ODIR/h.pid")" | grep -q ' tokens=2 '
}

@test "make 4.3: another user's STATUS is refused by the reaper, the owner's is answered" {
	status_users 43
}
@test "make 4.4.1: another user's STATUS is refused by the reaper, the owner's is answered" {
	status_users 44
}
