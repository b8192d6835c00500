#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 22: every system call of the claim and the give-back may fail with EPERM, ENOSYS
# or EACCES, as a seccomp profile answers a call it does not allow. tests/tools/seccomp-deny
# makes one call fail at a time, and the wrapped command (sh) then ends normally (exit 3) or
# by SIGKILL. Whatever the call, under make 4.3 and 4.4.1: make ends within its bound, the
# pool is whole after the command (the claim was made with a working guarantee, or nothing
# was claimed), make prints no INTERNAL line, and the status is the command's own (3, 137).
# The filter sits in three places:
#   under   around the launcher, on a fresh jobserver: the reaper it starts is under it too
#   beside  around the launcher, with a reaper already running outside it (a holder owner
#           of one token keeps it alive)
#   after   between the launcher's claim and the command: only the owner's give-back and
#           its RELEASE see it, the reaper does not
# After the command, a wrapped command without the filter claims and is SIGKILLed: a reaper
# that a filtered owner started and left behind must not take the next owner's tokens, or
# hold its CLAIM (and with it make's write end) for ever. One make per case (a fresh
# jobserver, so a fresh reaper); failures are collected and listed together.
#
# JSP_SECCOMP_CALLS  the calls to deny (default: all of CALLS below)
# JSP_SECCOMP_ERRNOS the answers, for every call (default: answers() below)
# JSP_HOSTILE_TOOLS  where seccomp-deny is, if not in the build tree (hostile.bash)

load helpers
load faults
load hostile

# The calls of the claim, the reaper and the give-back (preload/sys.c, sys_sock.c). The
# library opens /proc with O_NONBLOCK or O_PATH (fd reopen, vaults, the bell, tickets):
# the flag mask denies those opens and leaves ld.so's alone. Not covered by it: the
# reaper's and the start-time fallback's /proc/PID/stat, opened O_RDONLY|O_CLOEXEC like
# every library ld.so loads (namespaces.bats takes /proc away instead).
CALLS=(pidfd_open splice socket connect sendmsg recvmsg pipe2 clone close_range statx
	flock ppoll accept4 'openat:O_NONBLOCK|O_PATH' getsockopt bind listen ioctl setsid
	readlinkat mkdirat prlimit64 mknodat dup3)

# answers CALL: what the filter answers for CALL. EPERM, the usual default of container and
# sandbox profiles, for every call; ENOSYS (a kernel without the call) too; EACCES, as an
# LSM answers, for the opens, sockets and pidfds. Under the sanitizer build, where every
# process starts slowly, EPERM only but for the calls with a fallback of their own; and
# none for prlimit64, without which ASan's own run-time ends every process it starts
# ("AddressSanitizer getrlimit() failed") before a line of ours runs: the plain build
# covers that call.
answers() {
	if [ -n "${JSP_SECCOMP_ERRNOS:-}" ]; then
		echo "$JSP_SECCOMP_ERRNOS"
		return
	fi
	[ "${JSP_SANITIZE:-OFF}" = ON ] && [ "$1" = prlimit64 ] && return
	case $1 in
	pidfd_open|close_range|clone) echo EPERM ENOSYS $([ "${JSP_SANITIZE:-OFF}" = ON ] || echo EACCES) ;;
	*) [ "${JSP_SANITIZE:-OFF}" = ON ] && echo EPERM && return
		case $1 in
		openat*|socket|connect|statx) echo EPERM ENOSYS EACCES ;;
		*) echo EPERM ENOSYS ;;
		esac ;;
	esac
}

setup() {
	need_tool "$HTOOLS/seccomp-deny"
	DENY=$HTOOLS/seccomp-deny
	read -ra calls <<<"${JSP_SECCOMP_CALLS:-${CALLS[*]}}"
	{
		make_vars
		printf 'DENY = %s\n' "$DENY"
		cat <<'EOF'
all: count
holder:
	+@$(if $(HOLD),JOBSERVER_PRELOAD_MAX=2 $(JSP) sh -c 'echo $$PARALLELISM > held; \
		until [ -e done ]; do sleep 0.01; done',:)
run:
	-+@while [ -n "$(HOLD)" ] && [ ! -s held ]; do sleep 0.001; done; \
	$(PRE) sh -c 'echo par=$$PARALLELISM; $(END)'; echo "status=$$?"; : > done
next: run
	-+@$(JSP) sh -c 'echo next=$$PARALLELISM; kill -KILL $$$$'
EOF
		count_rules "next holder"
	} | write_makefile
}

# deny_cases MAKE PLACE: every call, answer and end, one make each, placed as PLACE says.
deny_cases() {
	local call err end want pre hold= label bad=() claimed=0 n=0 t0=$SECONDS slow=0
	need_make "$1"
	[ "$2" = beside ] && hold=1
	for call in "${calls[@]}"; do
		for err in $(answers "$call"); do
			case $2 in
			under|beside) pre="\$(DENY) -e $err '$call' -- \$(JSP)" ;;
			after) pre="\$(JSP) \$(DENY) -e $err '$call' --" ;;
			esac
			for end in exit kill; do
				[ $end = exit ] && want=3 || want=137
				label="$2 $call=$err $end"
				case_make "$(case_tag "$n")" "PRE=$pre" "HOLD=$hold" \
					"END=$([ $end = exit ] && echo 'exit 3' || echo 'kill -KILL $$$$')"
				n=$((n + 1))
				check_case "$label" "$want" || bad+=("$label")
				grep -q '^par=[2-8]$' <<<"$output" && claimed=$((claimed + 1))
				((CASE_MS < 3000)) || slow=$((slow + 1))
			done
		done
	done
	echo "# $2 ($1): $n cases in $((SECONDS - t0)) s, $claimed claimed, ${#bad[@]} failed," \
		"$slow took 3 s or more" >&3
	[ ${#bad[@]} -eq 0 ] # each failure was said as it came
}

@test "make 4.3: a denied call under the launcher and its fresh reaper: pool whole, status kept" {
	deny_cases 43 under
}
@test "make 4.4.1: a denied call under the launcher and its fresh reaper: pool whole, status kept" {
	deny_cases 44 under
}
@test "make 4.3: a denied call under the launcher, the reaper outside: pool whole, status kept" {
	deny_cases 43 beside
}
@test "make 4.4.1: a denied call under the launcher, the reaper outside: pool whole, status kept" {
	deny_cases 44 beside
}
@test "make 4.3: a denied call in the owner's give-back only: pool whole, status kept" {
	deny_cases 43 after
}
@test "make 4.4.1: a denied call in the owner's give-back only: pool whole, status kept" {
	deny_cases 44 after
}

# The tool itself: a filter that does not deny what it says tests nothing.
@test "seccomp-deny denies what it is told, with the errno it is told, and nothing else" {
	need_tool python3
	run "$DENY" -e ENOSYS pidfd_open -- python3 -c '
import os
try: os.pidfd_open(os.getpid())
except OSError as e: print(e.errno)'
	[ "$status" -eq 0 ] && [ "$output" = 38 ] || { echo "$output" >&2; false; }
	# dd opens with O_NONBLOCK when told, cat without: only the first open is denied.
	run "$DENY" -e EACCES 'openat:O_NONBLOCK' -- sh -c \
		'cat /proc/self/stat >/dev/null && echo plain; dd if=/proc/self/stat iflag=nonblock of=/dev/null'
	[ "$status" -eq 1 ] && [ "${lines[0]}" = plain ] && [[ $output = *"Permission denied"* ]] ||
		{ echo "$output" >&2; false; }
	run "$DENY" nosuchcall -- true
	[ "$status" -eq 125 ]
	run "$DENY" connect:1 -- true
	[ "$status" -eq 125 ]
	run -127 "$DENY" -- /nonexistent
}
