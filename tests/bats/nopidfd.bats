#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The fallback for kernels without pidfd_open (Linux < 5.3), built as a test library:
# the reaper polls the owner's start time instead. It must still never lose or duplicate.

load helpers

setup() {
	export JOBSERVER_PRELOAD_LIB=$JSP_BUILD/tests/libjobserver-preload-nopidfd.so
	[ -f "$JOBSERVER_PRELOAD_LIB" ]
}

# run_case 43|44 COMMAND: COMMAND wrapped at -j8 ('-': its failure does not stop make),
# then the pool is counted. After a kill the fallback sees the owner gone within 50 ms,
# so the count waits a little: only a normal exit promises the tokens before the status.
run_case() {
	need_make "$1"
	write_makefile <<EOF
all: count
job:
	-+$JSP sh -c 'echo par=\$\$PARALLELISM; echo held=\$\$($TOKENS count); $2'
count: job
	+@sleep \$\$(case '$2' in *KILL*) echo 0.3;; *) echo 0;; esac); echo pool=\$\$($TOKENS count)
EOF
	jsp_make -j8 -k
	echo "$output"
	grep -qx 'par=8' <<<"$output"
	grep -qx 'held=0' <<<"$output" # the reaper took the 7 free tokens
	assert_pool_whole 8
}

@test "nopidfd: make 4.3, normal exit gives every token back" { run_case 43 'exit 0'; }
@test "nopidfd: make 4.4.1, normal exit gives every token back" { run_case 44 'exit 0'; }
@test "nopidfd: make 4.3, SIGKILL of the owner" { run_case 43 'kill -KILL $$$$'; }
@test "nopidfd: make 4.4.1, SIGKILL of the owner" { run_case 44 'kill -KILL $$$$'; }
@test "nopidfd: make 4.4.1, the owner execs, then is killed" { run_case 44 'exec sh -c "kill -KILL \$$\$$"'; }
@test "nopidfd: make 4.3, the owner execs and exits" { run_case 43 'exec sh -c "exit 3"'; }
