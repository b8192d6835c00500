#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The fallback for kernels without pidfd_open (Linux < 5.3), and for sandboxes whose
# seccomp filter answers it with EPERM or EACCES: the owner sends its start time instead
# of a pidfd and the reaper polls /proc/PID/stat. The test library acts so
# (JOBSERVER_PRELOAD_TEST_NOPIDFD=1, =EPERM, =EACCES); the owner is the sh that loads it,
# selected by name, so that its reaper, a fork of it, runs the same code. It must still
# never lose or duplicate, the reaper must hold no pidfd at all, or this tests the wrong
# path, and the owner says (verbose) that it fell back. EPERM is -1: it was once taken
# for the fallback's marker and the claim went out without a pidfd or a start time, and a
# SIGKILL lost every token (issue 22).

load helpers

setup() {
	TESTLIB=$JSP_BUILD/tests/libjobserver-preload-test.so
	[ -f "$TESTLIB" ] || { echo "no $TESTLIB: build the tests" >&2; return 1; }
}

# run_case 43|44 COMMAND [1|EPERM|EACCES]: sh claims at -j8 and runs COMMAND ('-': its
# failure does not stop make), after printing what it got and what its reaper holds; then
# the pool is counted. After a kill the reaper sees the owner gone within 50 ms, so the
# count waits a little: only a normal exit promises the tokens before the status.
run_case() {
	need_make "$1"
	{
		printf 'TESTLIB = %s\nTOKENS = %s\nWHY = %s\n' "$TESTLIB" "$TOKENS" "${3:-1}"
		cat <<'EOF'
RUN = LD_PRELOAD=$${LD_PRELOAD:+$$LD_PRELOAD:}$(TESTLIB) JOBSERVER_PRELOAD_PROGRAMS=sh \
	JOBSERVER_PRELOAD_TEST_NOPIDFD=$(WHY) JOBSERVER_PRELOAD_VERBOSE=1
all: count
job:
	-+$(RUN) sh -c 'echo par=$$PARALLELISM; echo held=$$($(TOKENS) count); \
		r=$${JOBSERVER_PRELOAD_OWNER#*:}; r=$${r%%:*}; \
		echo "reaper fds=$$(ls /proc/$$r/fd | wc -l) pidfds=$$(ls -l /proc/$$r/fd | grep -c pidfd)"; \
		$(CMD)'
count: job
	+@sleep $$(case '$(CMD)' in *KILL*) echo 0.3;; *) echo 0;; esac); echo pool=$$($(TOKENS) count)
EOF
	} | write_makefile
	jsp_make -j8 -k "CMD=$2"
	echo "$output"
	grep -qx 'par=8' <<<"$output"
	grep -qx 'held=7' <<<"$output" # the 7 claimed, in its private jobserver (pool.bats)
	grep -q '^reaper fds=[1-9][0-9]* pidfds=0$' <<<"$output" # it polls: no pidfd
	grep -qF "pidfd_open: $(why_text "${3:-1}"); the reaper watches this process by its start time" <<<"$output"
	assert_pool_whole 8
}

why_text() {
	case $1 in
	EPERM) echo 'operation not permitted' ;;
	EACCES) echo 'permission denied' ;;
	*) echo 'function not implemented (an old kernel, or a sandbox denies it)' ;;
	esac
}

@test "nopidfd: make 4.3, normal exit gives every token back" { run_case 43 'exit 0'; }
@test "nopidfd: make 4.4.1, normal exit gives every token back" { run_case 44 'exit 0'; }
@test "nopidfd: make 4.3, SIGKILL of the owner" { run_case 43 'kill -KILL $$$$'; }
@test "nopidfd: make 4.4.1, SIGKILL of the owner" { run_case 44 'kill -KILL $$$$'; }
@test "nopidfd: make 4.4.1, the owner execs, then is killed" { run_case 44 'exec sh -c "kill -KILL \$$$$"'; }
@test "nopidfd: make 4.3, the owner execs and exits" { run_case 43 'exec sh -c "exit 3"'; }
@test "nopidfd: make 4.3, pidfd_open denied (EPERM): SIGKILL of the owner" { run_case 43 'kill -KILL $$$$' EPERM; }
@test "nopidfd: make 4.4.1, pidfd_open denied (EPERM): SIGKILL of the owner" { run_case 44 'kill -KILL $$$$' EPERM; }
@test "nopidfd: make 4.4.1, pidfd_open denied (EACCES): SIGKILL of the owner" { run_case 44 'kill -KILL $$$$' EACCES; }
@test "nopidfd: make 4.3, pidfd_open denied (EPERM): normal exit" { run_case 43 'exit 0' EPERM; }
