#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Issues 14 and 22: nothing that one owner or its surroundings do can stall the reaper that
# every owner of the build shares: a verbose owner's stderr that nobody reads, a small fd
# limit, pipes that cannot grow (a user over pipe-user-pages-soft), a reaper stopped for
# good, garbage and floods on its socket from our own user. In each: make ends within its
# bound, the pool is whole, make prints no INTERNAL line, and the commands' statuses are
# their own. Each case runs in a network namespace of its own (hostile.bash, netns_note).

load helpers
load faults
load hostile

setup() {
	VICTIM=$TOOLS/victim
	NETNS=1
	need_tool unshare prlimit "$HTOOLS/hostile-peer"
}

# A verbose owner A (2 tokens) whose stderr is a fifo that is held open but never read
# (by a process started from a recipe without '+': make 4.3 would wait at its end for one
# that held the jobserver), filled to the brim once A runs, is killed; then a quiet owner
# B (the rest) is killed too. The reaper's "gave back" line for A cannot be written: it must not wait.
stderr_stall() {
	need_make "$1"
	{
		make_vars
		cat <<'EOF'
all: count
reader:
	@rm -f err; mkfifo err; sleep 30 <>err >/dev/null 2>&1 &
a: reader
	-+@JOBSERVER_PRELOAD_VERBOSE=1 JOBSERVER_PRELOAD_MAX=3 $(JSP) $(VICTIM) sleep 2>err >a.out & v=$$!; \
	until [ -s a.out ]; do sleep 0.001; done; \
	dd if=/dev/zero of=err oflag=nonblock bs=4096 count=64 2>/dev/null; \
	kill -KILL $$v; wait $$v; echo "a status=$$?"; : >a.killed
b:
	-+@until [ -s a.out ]; do sleep 0.001; done; $(JSP) $(VICTIM) sleep >b.out & v=$$!; \
	until [ -s b.out ] && [ -e a.killed ]; do sleep 0.001; done; sleep 0.05; \
	kill -KILL $$v; wait $$v; echo "b status=$$?"
EOF
		count_rules "a b"
	} | write_makefile
	case_make "$(case_tag stderr)"
	echo "$output"
	cat "$BATS_TEST_TMPDIR"/a.out "$BATS_TEST_TMPDIR"/b.out
	check_case "a stalled stderr ($1)" ""
	grep -qx 'a status=137' <<<"$output"
	grep -qx 'b status=137' <<<"$output"
	grep -q '^PARALLELISM=3 ' "$BATS_TEST_TMPDIR/a.out" # A claimed its 2
	grep -q '^PARALLELISM=[2-8] ' "$BATS_TEST_TMPDIR/b.out" # and B some
	echo "# $1: make took $CASE_MS ms" >&3
}

@test "make 4.3: a killed -v owner's unread stderr does not keep another owner's tokens" {
	stderr_stall 43
}
@test "make 4.4.1: a killed -v owner's unread stderr does not keep another owner's tokens" {
	stderr_stall 44
}

# nofile MAKE: the wrapped command (and the reaper it starts: a fresh jobserver per case)
# has a hard RLIMIT_NOFILE of 20, 30 or 50 and ends by exit 3 or SIGKILL; an owner
# without the limit follows it and is killed too.
nofile() {
	local lim end bad=() claimed=0
	need_make "$1"
	{
		make_vars
		cat <<'EOF'
all: count
run:
	-+@prlimit --nofile=$(LIM):$(LIM) $(JSP) sh -c 'echo par=$$PARALLELISM; $(END)'; echo "status=$$?"
next: run
	-+@$(JSP) sh -c 'echo next=$$PARALLELISM; kill -KILL $$$$'
EOF
		count_rules next
	} | write_makefile
	for lim in 20 30 50; do
		for end in 'exit 3' 'kill -KILL $$$$'; do
			case_make "$(case_tag "$lim")" "LIM=$lim" "END=$end"
			check_case "nofile $lim, $end" "$([ "$end" = 'exit 3' ] && echo 3 || echo 137)" ||
				bad+=("$lim $end")
			grep -q '^par=[2-8]$' <<<"$output" && claimed=$((claimed + 1))
		done
	done
	echo "# $1: 6 cases, $claimed claimed under the limit, ${#bad[@]} failed" >&3
	[ ${#bad[@]} -eq 0 ]
}

@test "make 4.3: a hard RLIMIT_NOFILE of 20, 30, 50 on the command: make ends, pool whole" {
	nofile 43
}
@test "make 4.4.1: a hard RLIMIT_NOFILE of 20, 30, 50 on the command: make ends, pool whole" {
	nofile 44
}

# A user over fs.pipe-user-pages-soft gets pipes of 2 buffers that cannot grow (root is
# exempt: jsp-owner runs make). J/2 owners of one token each (JOBSERVER_PRELOAD_MAX=2)
# claim until the pool is empty, then end together (each spins until every one has claimed): their give-backs and make's own
# writes must all fit in those 2 buffers. The race is narrow: on today's main 2 builds of
# 80 at -j30 hung, none of 80 at -j4; ten builds of each here (JSP_PIPE_BUILDS=100 for a
# real hunt). The jobserver pipe's size is checked, or the case would test nothing.
pipe_pages() {
	local j=$2 i k bad=0 t0=$SECONDS builds=${JSP_PIPE_BUILDS:-10}
	need_make "$1"
	need_tool python3
	owner_dir
	{
		printf 'JSP = %s/jobserver-preload\nTOKENS = %s/tokens\n' "$PUB" "$PUB"
		printf 'COUNT = n=0; while c=$$($(TOKENS) count); [ "$$c" -lt %d ] && [ $$n -lt 250 ]; ' $((j - 1))
		printf 'do n=$$((n + 1)); sleep 0.002; done\n'
		printf 'all: count\nsize:\n\t+@python3 %s/pipesize\n' "$ODIR"
		for ((k = 1; k <= j / 2; k++)); do
			printf 'o%d: size\n\t-+@JOBSERVER_PRELOAD_MAX=2 $(JSP) sh -c ' "$k"
			printf "'echo \$\$PARALLELISM > o%d.par; until set -- *.par; [ \$\$# -ge %d ]; do :; done'\n" "$k" $((j / 2))
		done
		count_rules "$(seq -f 'o%g' $((j / 2)) | tr '\n' ' ')"
	} >"$ODIR/Makefile"
	cat >"$ODIR/pipesize" <<'EOF'
import fcntl, os, re
m = os.environ["MAKEFLAGS"]
f = re.search(r"--jobserver-auth=fifo:(\S+)", m)
path = f.group(1) if f else "/proc/self/fd/" + re.search(r"--jobserver-auth=(\d+),", m).group(1)
print("pipesize=%d" % fcntl.fcntl(os.open(path, os.O_RDONLY | os.O_NONBLOCK), 1032))
EOF
	for ((i = 1; i <= builds; i++)); do
		rm -f "$ODIR"/*.par
		run timeout -k 2 "$HOSTILE_TIMEOUT" env JSP_HOSTILE_TAG="$(case_tag "$i")" unshare --net -- \
			setpriv --reuid="$OWNER_UID" --regid="$(id -g "$OWNER_USER")" --clear-groups \
			"$(owner_make "$1")" -C "$ODIR" --no-print-directory -j"$j"
		kill_strays "$(case_tag "$i")" >/dev/null
		grep -qx 'pipesize=8192' <<<"$output" || { echo "the jobserver pipe is not 2 pages: $output" >&2; return 1; }
		[ "$status" -eq 0 ] && ! grep -q INTERNAL <<<"$output" && grep -qx "pool=$((j - 1))" <<<"$output" ||
			{ bad=$((bad + 1)); echo "build $i: make exited $status: $output" | head -20 >&2; }
	done
	echo "# $1 -j$j: $builds builds of $((j / 2)) one-token owners in $((SECONDS - t0)) s, $bad failed;" \
		"claimed in the last: $(cat "$ODIR"/*.par | grep -c '^2$')" >&3
	[ "$bad" -eq 0 ]
}

# The sysctl is the whole machine's: set for the test only, restored in teardown.
pipe_soft() {
	need_root
	users_create
	PIPE_SOFT=$(cat /proc/sys/fs/pipe-user-pages-soft)
	echo 1 >/proc/sys/fs/pipe-user-pages-soft
}
teardown() {
	[ -z "${PIPE_SOFT:-}" ] || echo "$PIPE_SOFT" >/proc/sys/fs/pipe-user-pages-soft
	[ -z "${PUB:-}" ] || users_delete
}

@test "make 4.3 -j4, pipes that cannot grow: owners ending together never fill the jobserver" {
	pipe_soft
	pipe_pages 43 4
}
@test "make 4.3 -j30, pipes that cannot grow: owners ending together never fill the jobserver" {
	pipe_soft
	pipe_pages 43 30
}
@test "make 4.4.1 -j4, pipes that cannot grow: owners ending together never fill the jobserver" {
	pipe_soft
	pipe_pages 44 4
}
@test "make 4.4.1 -j30, pipes that cannot grow: owners ending together never fill the jobserver" {
	pipe_soft
	pipe_pages 44 30
}

# stopped MAKE: the first owner starts the reaper and holds a token; the reaper is stopped
# (SIGSTOP) and never continued while the build runs; six owners then claim from it and end
# normally, three after the other and three at once. They give back themselves, and make
# must end: no message the stopped reaper has not read may hold a writer of its jobserver.
# After make: SIGCONT, and the reaper must then end by itself.
stopped() {
	local r left
	need_make "$1"
	reapers_script
	{
		make_vars
		cat <<'EOF'
all: count
first:
	-+@JOBSERVER_PRELOAD_MAX=2 $(JSP) sh -c 'echo first=$$PARALLELISM; until [ -e stopped ]; do sleep 0.005; done'
stop:
	+@until r=$$(sh reapers) && [ -n "$$r" ]; do sleep 0.001; done; kill -STOP $$r; echo "stopped $$r"; : >stopped
s1: stop
s2: s1
s3: s2
p1 p2 p3: s3
s1 s2 s3 p1 p2 p3:
	-+@$(JSP) sh -c 'echo $@=$$PARALLELISM; exit 3'; echo "$@ status=$$?"
EOF
		count_rules "p1 p2 p3 first"
	} | write_makefile
	KEEP_STRAYS=1 case_make "$(case_tag stop)"
	echo "$output"
	# The reaper by its tag, not by the pid the recipe saw: a pid may be reused.
	r=$(JSP_HOSTILE_TAG=$(case_tag stop) sh "$BATS_TEST_TMPDIR/reapers")
	[ -z "$r" ] || kill -CONT $r || true
	for _ in $(seq 100); do [ -n "$(JSP_HOSTILE_TAG=$(case_tag stop) sh "$BATS_TEST_TMPDIR/reapers")" ] || break; sleep 0.01; done
	left=$(JSP_HOSTILE_TAG=$(case_tag stop) sh "$BATS_TEST_TMPDIR/reapers")
	kill_strays "$(case_tag stop)" >/dev/null
	check_case "a stopped reaper ($1)" ""
	[ "$(grep -c '^[sp][1-3] status=3$' <<<"$output")" -eq 6 ]
	grep -q '^first=2$' <<<"$output" # the reaper had an owner when it was stopped
	grep -q '^[sp][1-3]=[2-8]$' <<<"$output" # and owners claimed from it while it was
	echo "# $1: make took $CASE_MS ms; the continued reaper $([ -n "$left" ] && echo "still ran after 1 s" || echo ended)" >&3
}

@test "make 4.3: a reaper stopped for good: owners that end normally give back, make ends" {
	stopped 43
}
@test "make 4.4.1: a reaper stopped for good: owners that end normally give back, make ends" {
	stopped 44
}

# Our own user sends the reaper garbage: 600 messages of every size from 0 to 4096 bytes,
# good and bad magic, every op, 0 to 8 fds (a client sends at most 3 or 4), then keeps 600
# connections open that never send, while the victims of flood_makefile (some SIGKILLed)
# claim from it: no other owner's tokens may be lost.
@test "make 4.3: garbage and 600 idle connections from our own user lose no owner's tokens" {
	flood 43 - garbage 600
}
@test "make 4.4.1: garbage and 600 idle connections from our own user lose no owner's tokens" {
	flood 44 - garbage 600
}

# A CLAIM that lies: it names vault tickets it never took (the small fd numbers a reaper's
# vaults have), with a pidfd of a peer that stays alive, and in every other one a pipe of
# its own as the jobserver's write end (what a CLAIM of protocol version 1 carried).
# Owners that took those tickets for real must still get their tokens back.
@test "make 4.4.1: CLAIMs for vaults their sender never took lose no owner's tokens" {
	flood 44 - forge 64
}
