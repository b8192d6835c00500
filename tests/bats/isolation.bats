#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 4: the reaper has no effect on the wrapped program (no child it can wait() for, no
# signal handler, mask or pending signal, no fd of ours after the constructor), and it lets
# go of an owner within milliseconds of its end, so the top-level make never waits on it.

load helpers
load faults

setup() {
	need_tool "$TOOLS/victim"
	VICTIM=$TOOLS/victim
	# Under the sanitizer build every program here has ASan preloaded. Its SIGSEGV handler
	# can deadlock when a SIGSEGV sent to a group arrives during ASan's own start-up (seen:
	# a forked child exec'ing true spun for ever holding make's output open), and it turns
	# a crash into abort(): let SIGSEGV do what it does in the field.
	[ "${JSP_SANITIZE:-OFF}" != ON ] || export ASAN_OPTIONS=$ASAN_OPTIONS:handle_segv=0
}

# probe_makefile [PREFIX]: runs "victim probe" without and then with the library, both
# under PREFIX (a command that execs its arguments), into the same file name so that the
# fd of stdout reads the same; the first line (PARALLELISM and pid) is kept apart.
probe_makefile() {
	local prefix=$1
	write_makefile <<EOF
all:
	+@echo "\$\$MAKEFLAGS" > makeflags
	+@$prefix $VICTIM probe > out; head -1 out > plain.head; tail -n +2 out | grep -v SigQ > plain
	+@$prefix $JSP $VICTIM probe > out; head -1 out > wrapped.head; tail -n +2 out | grep -v SigQ > wrapped
	+@echo pool=\$\$($TOKENS count)
EOF
}

# same_jobserver_fds: under make 4.3 the fds MAKEFLAGS names are the private jobserver of
# the wrapped program (pool.bats), a FIFO of ours, at make's numbers: what they name is set
# aside in both probes, so that any other difference still shows.
same_jobserver_fds() {
	local d=$BATS_TEST_TMPDIR fd
	for fd in $(sed -n 's/.*--jobserver-auth=\([0-9]*\),\([0-9]*\).*/\1 \2/p' "$d/makeflags"); do
		grep -q "^fd $fd -> pipe:" "$d/plain" || return 1
		grep -q "^fd $fd -> /tmp/jobserver-preload-$(id -u)/.*\.pool-" "$d/wrapped" || {
			echo "fd $fd of the wrapped probe is not its private jobserver" >&2
			return 1
		}
		sed -i "s|^fd $fd -> .*|fd $fd -> the jobserver|" "$d/plain" "$d/wrapped"
	done
}

# assert_probe_same: the wrapped run claimed, and saw the same as the plain run.
assert_probe_same() {
	local d=$BATS_TEST_TMPDIR
	[ "$status" -eq 0 ] || { echo "make exited $status: $output" >&2; return 1; }
	grep -q '^PARALLELISM=8 ' "$d/wrapped.head" || {
		echo "the wrapped probe did not claim: $(cat "$d/wrapped.head")" >&2
		return 1
	}
	grep -qx 'wait=ECHILD' "$d/wrapped" || { echo "a child to wait for: $(cat "$d/wrapped")" >&2; return 1; }
	same_jobserver_fds
	diff -u "$d/plain" "$d/wrapped" >&2 || { echo "the library left a trace (above)" >&2; return 1; }
	assert_pool_whole 8
}

@test "make 4.3: no child, signal state or fd of ours in the wrapped program" {
	need_make 43
	probe_makefile ""
	jsp_make -j8
	assert_probe_same
}

@test "make 4.4.1: no child, signal state or fd of ours in the wrapped program" {
	need_make 44
	probe_makefile ""
	jsp_make -j8
	assert_probe_same
}

# A parent that blocks SIGCHLD passes the mask on through exec: the end of any process we
# fork would then leave a SIGCHLD pending in the program (ShdPnd), which it would see later.
# bats test_tags=qemu-user-cannot
@test "SIGCHLD blocked at exec: no SIGCHLD of ours is left pending in the program" {
	qemu_cannot "a fork must signal its end (clone refuses exit signal 0): starting the reaper leaves a SIGCHLD"
	need_tool perl
	need_make 44
	probe_makefile "perl -MPOSIX -e 'sigprocmask(SIG_BLOCK, POSIX::SigSet->new(SIGCHLD)); exec @ARGV'"
	jsp_make -j8
	grep -q '^SigBlk:.*10000$' "$BATS_TEST_TMPDIR/plain" || {
		echo "the test did not block SIGCHLD: $(cat "$BATS_TEST_TMPDIR/plain")" >&2
		false
	}
	assert_probe_same
}

@test "wait in a wrapped shell returns at once: the reaper is no child of it" {
	need_make 44
	write_makefile <<EOF
all:
	+@timeout 2 $JSP sh -c 'wait; echo "waited PARALLELISM=\$\$PARALLELISM"'
	+@echo pool=\$\$($TOKENS count)
EOF
	jsp_make -j8
	[ "$status" -eq 0 ] || { echo "make exited $status: $output" >&2; false; }
	grep -qx 'waited PARALLELISM=8' <<<"$output" || { echo "$output" >&2; false; }
	assert_pool_whole 8
}

# alive PID: the process exists and has not ended (a zombie waiting for init has ended).
alive() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[ "${stat:0:1}" != Z ] && [ "${stat:0:1}" != X ]
}

# reaper_makefile END: the victim runs in the background with a verbose log, the recipe
# reads the reaper's pid from it and records the reaper's fds, cwd and process group (from
# /proc/PID/stat: ps hangs with ASan preloaded) and the recipe's own stdin and stdout; then
# the victim ends by END (kill9 from outside when END is "sleep") and the recipe measures
# how long the reaper keeps what it held for the victim (its stderr, compared by device and
# inode) and how long it lives on (in bash, so that the loops fork nothing). All the while
# the reaper must hold no reader or writer of the jobserver, which make reads until every
# writer is gone at exit, nor of the victim's stderr: only O_PATH fds (wire.h), whose
# flags in /proc/PID/fdinfo have O_PATH (010000000).
reaper_makefile() {
	{
		printf 'JSP = %s\nVICTIM = %s\nTOKENS = %s\nEND = %s\nSHELL = /bin/bash\n' \
			"$JSP" "$VICTIM" "$TOKENS" "$1"
		printf 'DELAY = %d\n' $((200 * SLOW)) # the victim's life: the recipe looks at the reaper
		cat <<'EOF'
all:
	+@JOBSERVER_PRELOAD_VERBOSE=1 $(JSP) $(VICTIM) $(END) $(DELAY) 2> log & v=$$!; \
	while r=$$(sed -n 's/.*claimed.*(reaper pid \([0-9]*\)).*/\1/p' log); [ -z "$$r" ]; do sleep 0.001; done; \
	echo "reaper=$$r"; ls -l /proc/$$r/fd > reaper.fds; readlink /proc/$$r/cwd > reaper.cwd; \
	readlink /proc/$$$$/fd/0 /proc/$$$$/fd/1 > recipe.fds; \
	read -r st < /proc/$$$$/stat; set -- $${st##*) }; pg=$$3; \
	read -r st < /proc/$$r/stat; set -- $${st##*) }; echo "pgid $$3 $$pg" > reaper.pgid; \
	js=$$(sed -n 's/.*--jobserver-auth=fifo:\([^ ]*\).*/\1/p' <<<"$$MAKEFLAGS"); \
	[ -n "$$js" ] || js=/proc/$$$$/fd/$$(sed -n 's/.*--jobserver-auth=\([0-9]*\),.*/\1/p' <<<"$$MAKEFLAGS"); \
	[ -e "$$js" ] || { echo "no jobserver in $$MAKEFLAGS"; exit 1; }; \
	holds() { local f; for f in /proc/$$r/fd/*; do [ "$$f" -ef log ] && return 0; done; return 1; }; \
	opens() { local f k v; for f in /proc/$$r/fd/*; do [ "$$f" -ef "$$js" ] || [ "$$f" -ef log ] || continue; \
		while read -r k v; do [ "$$k" = flags: ] && ! ((8#$$v & 8#10000000)) && echo "$$f"; done < /proc/$$r/fdinfo/$${f##*/}; \
		done 2>/dev/null; }; \
	t0=$${EPOCHREALTIME/./}; until holds; do (($${EPOCHREALTIME/./} - t0 < 2000000)) || \
		{ echo "the reaper never held the victim's stderr"; exit 1; }; done; \
	o=$$(opens); [ -z "$$o" ] || { echo "the reaper has the jobserver or the victim's stderr open: $$o"; exit 1; }; \
	[ $(END) = sleep ] && kill -KILL $$v; wait $$v; t0=$${EPOCHREALTIME/./}; \
	while holds && (($${EPOCHREALTIME/./} - t0 < 5000000)); do :; done; \
	echo "reaper let go after $$(($${EPOCHREALTIME/./} - t0)) us"; \
	while [ -d /proc/$$r ] && read -r st < /proc/$$r/stat && [[ $${st##*) } != [ZX]* ]] && \
		(($${EPOCHREALTIME/./} - t0 < 5000000)); do :; done; \
	echo "reaper gone after $$(($${EPOCHREALTIME/./} - t0)) us"
	+@echo pool=$$($(TOKENS) count)
EOF
	} | write_makefile
}

# reaper_check MAKE END: make ends well within the timeout; the reaper holds no reader or
# writer of the jobserver or of the victim's stderr, lets go of what it held for the victim
# within a few ticks and ends soon after (it waits 250 ms for another claim); the tokens are
# back; and the reaper never held the recipe's stdin or stdout (make's output), a
# directory of the build, or a place in the recipe's process group.
reaper_check() {
	local r us t0 f d=$BATS_TEST_TMPDIR
	need_make "$1"
	reaper_makefile "$2"
	t0=${EPOCHREALTIME/./}
	TIMEOUT=10 jsp_make -j8
	us=$((${EPOCHREALTIME/./} - t0))
	[ "$status" -eq 0 ] || { echo "make exited $status (124: it hung): $output" >&2; return 1; }
	[ "$us" -lt 3000000 ] || { echo "make took $us us" >&2; return 1; }
	r=$(sed -n 's/^reaper=//p' <<<"$output")
	[ -n "$r" ] || { echo "no reaper pid in: $output" >&2; return 1; }
	! alive "$r" || { echo "reaper $r still runs after make ended" >&2; return 1; }
	grep -q '^reaper gone after' <<<"$output" || { echo "$output" >&2; return 1; }
	us=$(sed -n 's/^reaper let go after \([0-9]*\) us/\1/p' <<<"$output")
	echo "# $2: the reaper let go of the victim's fds ${us} us after its end," \
		"$(sed -n 's/^reaper gone after //p' <<<"$output") it ended" >&3
	# Within a tick (3 ms) for an owner it had not waited on yet, on a loaded machine well
	# within this bound; not at its own end 250 ms later.
	[ "$us" -lt 200000 ] || { echo "the reaper held the victim's fds $us us after its end" >&2; return 1; }
	us=$(sed -n 's/^reaper gone after \([0-9]*\) us/\1/p' <<<"$output")
	[ "$us" -lt 2000000 ] || { echo "the reaper outlived its owner by $us us" >&2; return 1; }
	assert_pool_whole 8
	while read -r f; do
		! grep -qF -- "-> $f" "$d/reaper.fds" || { echo "the reaper holds the recipe's $f" >&2; return 1; }
	done <"$d/recipe.fds"
	[ "$(cat "$d/reaper.cwd")" = / ] || { echo "reaper cwd: $(cat "$d/reaper.cwd")" >&2; return 1; }
	read -r _ rpg spg <"$d/reaper.pgid"
	[ "$rpg" != "$spg" ] || { echo "the reaper is in the recipe's process group $spg" >&2; return 1; }
}

@test "make 4.4.1 does not hang at exit: the reaper of a SIGKILLed owner lets go at once" {
	reaper_check 44 sleep
}

@test "make 4.4.1 does not hang at exit: the reaper of an owner that called _exit" {
	reaper_check 44 _exit
}

@test "make 4.4.1 does not hang at exit: the reaper of an owner that crashed" {
	reaper_check 44 segv
}

@test "make 4.4.1 does not hang at exit: the reaper released by a normal exit" {
	reaper_check 44 exit
}

@test "make 4.3 does not hang at exit: the reaper of a SIGKILLed owner lets go at once" {
	reaper_check 43 sleep
}

# CI clean-ups often kill by command line (pkill -f). The reaper must not match the owner's:
# it would die holding every token. (procps hangs with libasan preloaded: hence env -u.)
# The victim runs under a name of this test's own: pkill -f kills every match on the
# machine, and '[v]ictim sleep' matched the victims, killat and recipes of other suites
# run at the same time (seen: faults.bats's kill sweep, "c-TERM Killed", make exit 2).
# The count may wait a little (0.5 s at most): after a kill the reaper gives back when it
# sees the end, which make may see first, on a loaded machine by some ms.
case_pkill_f() {
	qemu_cannot "an emulated process's /proc/PID/cmdline is qemu's argv, which the reaper cannot rename"
	local name=victim-pkill-$$-$BATS_TEST_NUMBER
	need_make "$1"
	ln -s "$VICTIM" "$BATS_TEST_TMPDIR/$name"
	{ make_vars; cat; } <<EOF | write_makefile
all: count
job:
	-+$JSP $BATS_TEST_TMPDIR/$name sleep > v.out
killer:
	+@until [ -s v.out ]; do sleep 0.01; done; sleep 0.2; \
	env -u LD_PRELOAD pkill -KILL -f '[${name:0:1}]${name:1} sleep'; echo killed
count: job killer
	+@\$(COUNT); echo "after the kill: pool=\$\$c waited=\$\$n"
	+@echo pool=\$\$($TOKENS count)
EOF
	jsp_make -j8
	echo "$output"
	grep -qx killed <<<"$output"
	grep -q 'job.*Killed' <<<"$output" # the owner was killed, by its command line
	grep -q '^PARALLELISM=[2-8] ' "$BATS_TEST_TMPDIR/v.out" # after its claim
	assert_pool_whole 8
}
# bats test_tags=qemu-user-cannot
@test "make 4.3: pkill -f with the command's own line spares the reaper" { case_pkill_f 43; }
# bats test_tags=qemu-user-cannot
@test "make 4.4.1: pkill -f with the command's own line spares the reaper" { case_pkill_f 44; }
