#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# What -v says, word for word, where the words are easy to get wrong: a count of one and of
# none, make -j without a number and -j1, a JOBSERVER_PRELOAD_PROGRAMS that looks wrong
# (said by the program it was meant for, and by GNU make), and the launcher naming itself
# by the name it was run under. Each message is on docs/troubleshooting.md (docs.messages).

load helpers
bats_require_minimum_version 1.5.0

setup() {
	unset MAKEFLAGS MFLAGS JOBSERVER_PRELOAD_LIB JOBSERVER_PRELOAD_PROGRAMS \
		JOBSERVER_PRELOAD_MAX JOBSERVER_PRELOAD_VERBOSE
}

# make -j2 with nothing else running: one free token, and the message says "1 token".
case_one_token() {
	write_makefile <<'EOF'
all:
	+@$(JSP) -v sh -c 'echo P=$$PARALLELISM'
EOF
	jsp_make -j2
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q '^P=2$' <<<"$output"
	grep -Eq '\]: claimed 1 token from (pipe fds [0-9]+,[0-9]+|fifo /[^ ]+) \(reaper pid [1-9][0-9]*\); PARALLELISM=2$' <<<"$output"
	refute grep -q 'tokens from' <<<"$output"
}
@test "make 4.3 -j2: 'claimed 1 token', not '1 tokens'" { need_make 43; case_one_token; }
@test "make 4.4.1 -j2: 'claimed 1 token', not '1 tokens'" { need_make 44; case_one_token; }

# make -j2, the other slot busy: nothing to take, no reaper, and no "(reaper pid 0)".
case_no_token() {
	write_makefile <<'EOF'
all: busy claim
busy:
	@sleep 2
claim:
	+@sleep 0.5; $(JSP) -v sh -c 'echo P=$$PARALLELISM'
EOF
	jsp_make -j2
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q '^P=1$' <<<"$output"
	grep -Eq '\]: claimed no token from .*: every other job slot is busy; PARALLELISM=1$' <<<"$output"
	refute grep -q 'reaper pid 0' <<<"$output"
}
@test "make 4.3 -j2, the other slot busy: 'claimed no token', no reaper pid" { need_make 43; case_no_token; }
@test "make 4.4.1 -j2, the other slot busy: 'claimed no token', no reaper pid" { need_make 44; case_no_token; }

@test "make 4.4.1 -j8 --max 1: no token, and the message says --max 1 left none" {
	need_make 44
	write_makefile <<'EOF'
all:
	+@$(JSP) -v --max 1 sh -c 'echo P=$$PARALLELISM'
EOF
	jsp_make -j8
	echo "$output"
	grep -q '^P=1$' <<<"$output"
	grep -q '\]: claimed no token from .*: JOBSERVER_PRELOAD_MAX=1 (--max 1) leaves none to take; PARALLELISM=1$' <<<"$output"
	refute grep -q 'reaper pid' <<<"$output"
}

# make -j (no number) makes no jobserver at all; -j1 neither; each gets its own words.
case_no_jobserver() {
	write_makefile <<'EOF'
all:
	+@$(JSP) -v true
EOF
	jsp_make -j
	echo "$output"
	grep -q '\]: MAKEFLAGS has -j without a number: make runs any number of jobs at once and has no jobserver to share' <<<"$output"
	refute grep -q -- '-j1' <<<"$output"
	jsp_make -j1
	echo "$output"
	grep -q '\]: MAKEFLAGS has -j1: make runs one job at a time and has no jobserver$' <<<"$output"
	jsp_make
	echo "$output"
	grep -q '\]: no jobserver in MAKEFLAGS: not run by make, or make runs without -j$' <<<"$output"
	grep -q '\]: PARALLELISM left as it was (JOBSERVER_PRELOAD_DEFAULT, or --default, sets a count for this case)$' <<<"$output"
}
@test "make 4.3: make -j, -j1 and no -j each explained in their own words" { need_make 43; case_no_jobserver; }
@test "make 4.4.1: make -j, -j1 and no -j each explained in their own words" { need_make 44; case_no_jobserver; }

# A whole build preloaded, the program ./sel (threads: PARALLELISM=<value>, empty if unset) under a
# list that means it but does not select it.
preloaded_build() {
	cp "$TOOLS/threads" "$BATS_TEST_TMPDIR/sel"
	write_makefile <<'EOF'
all:
	+@./sel
EOF
	LD_PRELOAD=${LD_PRELOAD:+$LD_PRELOAD:}$LIB JOBSERVER_PRELOAD_VERBOSE=1 \
		JOBSERVER_PRELOAD_PROGRAMS=$1 jsp_make -j4
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "make 4.4.1 -j4, PROGRAMS with a ',' or a blank: the program and make say why" {
	need_make 44
	preloaded_build 'ctest,sel'
	grep -q '^PARALLELISM=$' <<<"$output"
	grep -q "\]: sel is not selected: JOBSERVER_PRELOAD_PROGRAMS holds 'ctest,sel', with a ',' or a blank in it: separate the names with ':' alone, as in sphinx-build:ctest$" <<<"$output"
	grep -q "\]: JOBSERVER_PRELOAD_PROGRAMS=ctest,sel holds 'ctest,sel', which selects no program: separate" <<<"$output"
	preloaded_build 'ctest: sel'
	grep -q '^PARALLELISM=$' <<<"$output"
	grep -q "\]: sel is not selected: JOBSERVER_PRELOAD_PROGRAMS holds ' sel', with a ','" <<<"$output"
}

@test "make 4.3 -j4, PROGRAMS with a path: the program and make say to list the file name" {
	need_make 43
	preloaded_build "$BATS_TEST_TMPDIR/sel"
	grep -q '^PARALLELISM=$' <<<"$output"
	grep -q "\]: sel is not selected: JOBSERVER_PRELOAD_PROGRAMS holds the path '$BATS_TEST_TMPDIR/sel', and programs are matched by file name: list 'sel'$" <<<"$output"
	grep -q "\]: JOBSERVER_PRELOAD_PROGRAMS=$BATS_TEST_TMPDIR/sel holds the path '$BATS_TEST_TMPDIR/sel', which selects no program: list file names, not paths$" <<<"$output"
}

@test "make 4.4.1 -j4, PROGRAMS empty or with an empty name: make says so" {
	need_make 44
	preloaded_build ''
	grep -q '^PARALLELISM=$' <<<"$output"
	grep -q '\]: JOBSERVER_PRELOAD_PROGRAMS is set but empty, so no program claims: list the programs (as in sphinx-build:ctest) or unset it$' <<<"$output"
	# An empty name beside a good one: said, and the good one still claims.
	preloaded_build 'ctest::sel'
	grep -q '^PARALLELISM=4$' <<<"$output"
	grep -q "\]: JOBSERVER_PRELOAD_PROGRAMS=ctest::sel has an empty name (a ':' at an end or twice in a row), which selects nothing: separate the names with one ':'$" <<<"$output"
}

@test "make 4.3 -j4, a good list that does not name the program: not a word" {
	need_make 43
	preloaded_build 'ctest:sphinx-build'
	grep -q '^PARALLELISM=$' <<<"$output"
	refute grep -q 'jobserver-preload\[' <<<"$output"
}

# jobserver-exec copied alone under another name (as a kernel tree's scripts/jobserver-exec
# would be): its messages carry that name, and the exit statuses stay env(1)'s.
@test "a renamed jobserver-exec names itself by its own name" {
	local x=$BATS_TEST_TMPDIR/kexec
	cp "$JSP_BUILD/jobserver-exec" "$x"
	run --separate-stderr "$x" true
	[ "$status" -eq 125 ]
	[[ $stderr == "kexec: cannot find libjobserver-preload.so beside this program or in "*"; set JOBSERVER_PRELOAD_LIB to its path" ]]
	run --separate-stderr "$x"
	[ "$status" -eq 125 ]
	[ "$stderr" = "kexec: missing command
Usage: kexec COMMAND [ARG]..." ]
	JOBSERVER_PRELOAD_LIB=$LIB run -127 --separate-stderr "$x" no-such-command-here
	[ "$status" -eq 127 ]
	[ "$stderr" = "kexec: no-such-command-here: No such file or directory" ]
	refute grep -q jobserver-exec <<<"$stderr"
}
