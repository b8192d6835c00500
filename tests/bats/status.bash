# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by status.bats and status-users.bats: builds whose wrapped commands hold known
# counts of tokens while --status looks, and what to read from what it said.

# status_vars: the variables of these Makefiles. $(HOLD) NAME MAX: a wrapped command that
# claims with --max MAX, writes its pid (the owner's: sh execs nothing, it is the command
# the launcher exec'd) and PARALLELISM to NAME.pid and NAME.par, and holds its tokens
# until the file "done" is there, then ends normally. $(JOBSERVER) is what make's
# --jobserver-auth names, as --jobserver takes it from another shell: fifo:PATH for make
# 4.4, and for make 4.3's pipe fifo:/proc/MAKE/fd/R (the recipe's parent is make).
status_vars() {
	printf '.DEFAULT_GOAL := all\nSHELL = /bin/bash\nJSP = %s\nTOKENS = %s\n' "$JSP" "$TOKENS"
	cat <<'EOF2'
HOLD = hold() { $(JSP) --max $$2 sh -c 'echo $$$$ > $$0.pid; echo $$PARALLELISM > $$0.par; until [ -e done ]; do sleep 0.02; done' $$1; }; hold
JOBSERVER = $$(js=$$(sed -n 's/.*--jobserver-auth=\(fifo:[^ ]*\).*/\1/p' <<<"$$MAKEFLAGS"); \
	[ -n "$$js" ] || js=fifo:/proc/$$PPID/fd/$$(sed -n 's/.*--jobserver-auth=\([0-9]*\),.*/\1/p' <<<"$$MAKEFLAGS"); \
	echo "$$js")
WAIT_OWNERS = for i in $$(seq 500); do [ "$$($(JSP) --status | grep -c '^owner:')" = $(1) ] && break; sleep 0.01; done
EOF2
}

# reaper_socket PID: the path of the socket the reaper PID listens on (its fd's inode, in
# /proc/net/unix).
reaper_socket() {
	local l ino
	for l in /proc/"$1"/fd/*; do
		ino=$(readlink "$l" 2>/dev/null) || continue
		case $ino in socket:*) ;; *) continue ;; esac
		ino=${ino#socket:[}
		awk -v i="${ino%]}" '$7 == i && $8 != "" { print $8 }' /proc/net/unix
	done | head -1
}

# owner_line FILE PID: the "owner:" line of PID in a --status output.
owner_line() {
	grep "^owner: pid=$2 " "$1"
}
