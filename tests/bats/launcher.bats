#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The launcher as env(1) and stdbuf(1) are: exit statuses 125/126/127, the command's own
# status and signals, --help/--version, LD_PRELOAD handling, and no child process.

load helpers
bats_require_minimum_version 1.5.0

# Outside make: none of these tests need a jobserver, and the results must not depend on
# the MAKEFLAGS of whatever runs bats (ctest under make, for one).
setup() {
	unset MAKEFLAGS MFLAGS JOBSERVER_PRELOAD_LIB
}

@test "the command's exit status is its own: 0 and 3" {
	run "$JSP" true
	[ "$status" -eq 0 ]
	run "$JSP" sh -c 'echo out; exit 3'
	[ "$status" -eq 3 ]
	[ "$output" = out ]
}

# The shell sees 143 both for 'exit 143' and for a death by SIGTERM; the waiting parent
# here tells them apart: Python gives -15 only for a process killed by the signal.
@test "a command killed by SIGTERM is seen as killed by SIGTERM (143)" {
	run "$JSP" sh -c 'kill -TERM $$'
	[ "$status" -eq 143 ]
	need_tool python3
	run python3 -c 'import subprocess, sys; print(subprocess.run(sys.argv[1:]).returncode)' \
		"$JSP" sh -c 'kill -TERM $$'
	[ "$output" = -15 ]
}

@test "125: unknown option, with a hint" {
	run "$JSP" --bogus true
	[ "$status" -eq 125 ]
	[[ $output == *"Try 'jobserver-preload --help'"* ]]
	run "$JSP" -x true
	[ "$status" -eq 125 ]
}

@test "125: missing command" {
	run "$JSP"
	[ "$status" -eq 125 ]
	[[ $output == *"missing command"* ]]
	run "$JSP" -v --
	[ "$status" -eq 125 ]
	[[ $output == *"missing command"* ]]
}

@test "125: JOBSERVER_PRELOAD_LIB names no readable file" {
	JOBSERVER_PRELOAD_LIB=$BATS_TEST_TMPDIR/nope.so run "$JSP" echo ran
	[ "$status" -eq 125 ]
	[[ $output == *"JOBSERVER_PRELOAD_LIB=$BATS_TEST_TMPDIR/nope.so"* ]]
	[[ $output != *ran* ]]
}

@test "125: a library path with ':' or a blank, which LD_PRELOAD cannot carry" {
	local d
	for d in 'a:b' 'a b' "a$(printf '\t')b"; do
		mkdir -p "$BATS_TEST_TMPDIR/$d"
		cp "$LIB" "$BATS_TEST_TMPDIR/$d/"
		JOBSERVER_PRELOAD_LIB="$BATS_TEST_TMPDIR/$d/libjobserver-preload.so" \
			run "$JSP" echo ran
		echo "$d: $output"
		[ "$status" -eq 125 ]
		[[ $output == *"holds a ':' or a blank"* ]]
		[[ $output != *ran* ]]
	done
}

@test "JOBSERVER_PRELOAD_LIB overrides the library found beside the launcher" {
	cp "$LIB" "$BATS_TEST_TMPDIR/copy.so"
	JOBSERVER_PRELOAD_LIB=$BATS_TEST_TMPDIR/copy.so run "$JSP" sh -c 'echo "$LD_PRELOAD"'
	[ "$status" -eq 0 ]
	[ "$output" = "${LD_PRELOAD:+$LD_PRELOAD:}$BATS_TEST_TMPDIR/copy.so" ]
}

# ld.so looks a name without '/' up in its search path, and a relative path up from the
# cwd of every image: both would miss the library once the command changes directory.
@test "JOBSERVER_PRELOAD_LIB relative or bare: made absolute" {
	cp "$LIB" "$BATS_TEST_TMPDIR/copy.so"
	cd "$BATS_TEST_TMPDIR"
	local want rel
	want=${LD_PRELOAD:+$LD_PRELOAD:}$(realpath copy.so)
	for rel in copy.so ./copy.so; do
		JOBSERVER_PRELOAD_LIB=$rel run --separate-stderr \
			"$JSP" sh -c 'cd /; exec sh -c "echo \$LD_PRELOAD"'
		[ "$status" -eq 0 ]
		[ "$output" = "$want" ]
		[ -z "$stderr" ]
	done
}

@test "126: the command is not executable" {
	printf '#!/bin/sh\necho ran\n' >"$BATS_TEST_TMPDIR/noexec"
	chmod -x "$BATS_TEST_TMPDIR/noexec"
	run "$JSP" "$BATS_TEST_TMPDIR/noexec"
	[ "$status" -eq 126 ]
	[[ $output == *noexec* ]]
	run "$JSP" "$BATS_TEST_TMPDIR" # a directory
	[ "$status" -eq 126 ]
}

@test "127: the command is not found" {
	run -127 "$JSP" jsp-no-such-command-here
	[ "$status" -eq 127 ]
	[[ $output == *jsp-no-such-command-here* ]]
	run -127 "$JSP" "$BATS_TEST_TMPDIR/missing"
	[ "$status" -eq 127 ]
}

@test "--help and --version print to stdout and exit 0" {
	run "$JSP" --help
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "Usage: jobserver-preload "* ]]
	run "$JSP" -h
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "Usage: jobserver-preload "* ]]
	run "$JSP" --version
	[ "$status" -eq 0 ]
	[[ $output == "jobserver-preload "* ]]
	run bash -c '"$JSP" --help >/dev/full'
	[ "$status" -eq 125 ]
}

@test "options stop at the command: its own options are its own" {
	run "$JSP" echo -v --help --version
	[ "$status" -eq 0 ]
	[ "$output" = '-v --help --version' ]
	run "$JSP" -- echo -v
	[ "$output" = -v ]
}

@test "the launcher creates no child: the command has the launcher's pid" {
	run sh -c 'echo $$; exec "$JSP" sh -c "echo \$\$"'
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[ "${lines[0]}" = "${lines[1]}" ]
}

@test "LD_PRELOAD: set when empty or blank, appended after an existing entry" {
	local lib pre
	lib=$(realpath "$LIB")
	# Under JSP_SANITIZE the ASan runtime is already first in LD_PRELOAD, and must stay first.
	pre=${LD_PRELOAD:-}
	if [ -z "$pre" ]; then
		LD_PRELOAD=' : ' run "$JSP" sh -c 'echo "$LD_PRELOAD"'
		[ "$output" = "$lib" ]
		run env -u LD_PRELOAD "$JSP" sh -c 'echo "$LD_PRELOAD"'
		[ "$output" = "$lib" ]
	fi
	# A sanitizer-like runtime that is already there stays first.
	local first
	first=$(ldd /bin/sh | awk '/libc\.so/ { print $3 }')
	LD_PRELOAD="${pre:+$pre:}$first" run "$JSP" sh -c 'echo "$LD_PRELOAD"'
	[ "$status" -eq 0 ]
	[ "$output" = "${pre:+$pre:}$first:$lib" ]
}

@test "LD_PRELOAD: the library is not added twice" {
	local lib pre
	lib=$(realpath "$LIB")
	pre=${LD_PRELOAD:+$LD_PRELOAD:}
	LD_PRELOAD="$pre$lib" run "$JSP" sh -c 'echo "$LD_PRELOAD"'
	[ "$output" = "$pre$lib" ]
	# Nested: the inner launcher finds its library already there.
	run "$JSP" "$JSP" sh -c 'echo "$LD_PRELOAD"'
	[ "$output" = "$pre$lib" ]
	# ld.so also splits at blanks.
	LD_PRELOAD="$pre$lib $lib" run "$JSP" sh -c 'echo "$LD_PRELOAD"'
	[ "$output" = "$pre$lib $lib" ]
}

@test "silent by default: no stderr from the launcher or the library" {
	run --separate-stderr env MAKEFLAGS=' -j8 --jobserver-auth=99,98' "$JSP" true
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	run --separate-stderr env MAKEFLAGS=' -j8 --jobserver-auth=99,98' "$JSP" -v true
	[[ $stderr == *"jobserver-preload["*"]: fd 99"* ]]
}
