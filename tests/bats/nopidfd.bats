#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The fallback for kernels without pidfd_open (Linux < 5.3): the owner sends its start time
# instead of a pidfd and the reaper polls /proc/PID/stat. The test library acts so
# (JOBSERVER_PRELOAD_TEST_NOPIDFD=1); the owner is the sh that loads it, selected by name,
# so that its reaper, a fork of it, runs the same code. It must still never lose or
# duplicate, and the reaper must hold no pidfd at all, or this tests the wrong path.

load helpers

setup() {
	TESTLIB=$JSP_BUILD/tests/libjobserver-preload-test.so
	[ -f "$TESTLIB" ] || { echo "no $TESTLIB: build the tests" >&2; return 1; }
}

# run_case 43|44 COMMAND: sh claims at -j8 and runs COMMAND ('-': its failure does not stop
# make), after printing what it got and what its reaper holds; then the pool is counted.
# After a kill the reaper sees the owner gone within 50 ms, so the count waits a little:
# only a normal exit promises the tokens before the status.
run_case() {
	need_make "$1"
	{
		printf 'TESTLIB = %s\nTOKENS = %s\n' "$TESTLIB" "$TOKENS"
		cat <<'EOF'
RUN = LD_PRELOAD=$${LD_PRELOAD:+$$LD_PRELOAD:}$(TESTLIB) JOBSERVER_PRELOAD_PROGRAMS=sh \
	JOBSERVER_PRELOAD_TEST_NOPIDFD=1
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
	grep -qx 'held=0' <<<"$output" # the 7 free tokens were in the vault
	grep -q '^reaper fds=[1-9][0-9]* pidfds=0$' <<<"$output" # it polls: no pidfd
	assert_pool_whole 8
}

@test "nopidfd: make 4.3, normal exit gives every token back" { run_case 43 'exit 0'; }
@test "nopidfd: make 4.4.1, normal exit gives every token back" { run_case 44 'exit 0'; }
@test "nopidfd: make 4.3, SIGKILL of the owner" { run_case 43 'kill -KILL $$$$'; }
@test "nopidfd: make 4.4.1, SIGKILL of the owner" { run_case 44 'kill -KILL $$$$'; }
@test "nopidfd: make 4.4.1, the owner execs, then is killed" { run_case 44 'exec sh -c "kill -KILL \$$$$"'; }
@test "nopidfd: make 4.3, the owner execs and exits" { run_case 43 'exec sh -c "exit 3"'; }
