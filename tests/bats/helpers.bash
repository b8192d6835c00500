# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by every bats suite: where things are, the two makes, and token counting.
#
# JSP_BUILD   the build tree (set by ctest; default ../../build)
# JSP_MAKE44  GNU make 4.4.1 (default: where .ci/build-make44 puts it)
# JSP_QEMU_USER=1, JSP_SLOW=N  the programs run under qemu-user, N times slower to start
#             (tests/run-cross aarch64 sets both)
# Under CI=true a missing tool is a failure, never a skip.

: "${JSP_BUILD:=$BATS_TEST_DIRNAME/../../build}"
JSP=$JSP_BUILD/jobserver-preload
LIB=$JSP_BUILD/libjobserver-preload.so
TOKENS=$JSP_BUILD/tests/tools/tokens
TOOLS=$JSP_BUILD/tests/tools
MAKE43=${JSP_MAKE43:-/usr/bin/make}
MAKE44=${JSP_MAKE44:-$HOME/.cache/jobserver-preload/make-4.4.1/bin/make}
# Every make run is bounded: a hang is a failure, not a stuck CI.
TIMEOUT=${JSP_TIMEOUT:-60}

# Under the sanitizer build the ASan runtime must come first in LD_PRELOAD for programs
# that are not built with it (sh, make); the launcher keeps it first.
if [ "${JSP_SANITIZE:-OFF}" = ON ]; then
	export LD_PRELOAD=$(gcc -print-file-name=libasan.so)
	export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fi

# need_tool CMD...: skip the test if a tool is missing, but fail under CI.
need_tool() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 && continue
		[ -x "$t" ] && continue
		if [ "${CI:-}" = true ]; then
			echo "missing tool under CI: $t (.ci/install-deps installs it)" >&2
			return 1
		fi
		skip "$t is not installed"
	done
}

# qemu_cannot WHY: under qemu-user, a test that needs what qemu-user does not emulate
# (docs/ports.md lists each). Such a test is tagged qemu-user-cannot, and tests/cross/run-suites
# leaves it out of a run under qemu-user, so it never gets here there; run by hand it is
# skipped, and under CI=true, where nothing may skip, it fails.
qemu_cannot() {
	[ "${JSP_QEMU_USER:-0}" = 1 ] || return 0
	if [ "${CI:-}" = true ]; then
		echo "qemu-user: $* (under CI=true a test tagged qemu-user-cannot is left out, not run)" >&2
		return 1
	fi
	skip "qemu-user: $*"
}
# The few waits that a recipe's own commands must fit in scale by it.
SLOW=${JSP_SLOW:-1}

# make_version MAKE: "4.3" or "4.4.1"; needs the binary.
need_make() {
	case $1 in
	43) need_tool "$MAKE43" && MAKE=$MAKE43 ;;
	44) need_tool "$MAKE44" && MAKE=$MAKE44 ;;
	*) echo "need_make: 43 or 44, not $1" >&2; return 1 ;;
	esac
}

# jsp_make ARGS...: $MAKE with a timeout, in $BATS_TEST_TMPDIR, output in $output.
jsp_make() {
	run timeout -k 5 "$TIMEOUT" "$MAKE" -C "$BATS_TEST_TMPDIR" --no-print-directory "$@"
}

# traced_make ARGS...: $MAKE under the launcher's --trace to $T, bounded, in
# $BATS_TEST_TMPDIR, output in $output.
traced_make() {
	run timeout -k 5 "$TIMEOUT" "$JSP" --trace "$T" "$MAKE" -C "$BATS_TEST_TMPDIR" \
		--no-print-directory "$@"
}

# assert_leak_drawn PNG: the picture of a report's SVG is not blank: the leaker's red
# (svg.c's RED) is there, among at least two other colours.
assert_leak_drawn() {
	run env -u LD_PRELOAD python3 "$BATS_TEST_DIRNAME/../tools/pngcolours.py" "$1"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(head -1 <<<"$output")" -ge 3 ]
	grep -qx 'd62728' <<<"$output"
}

# write_makefile: the Makefile for this test, from stdin (recipe lines start with a tab).
write_makefile() {
	cat > "$BATS_TEST_TMPDIR/Makefile"
}

# assert_pool_whole N: the make run in $output ended with the whole pool of -jN: make did
# not complain, and the last recipe ("@+$(TOKENS) count" prefixed "pool=") saw N-1 tokens.
assert_pool_whole() {
	local n=$1
	if grep -q 'INTERNAL: Exiting with' <<<"$output"; then
		echo "make lost or gained tokens: $(grep INTERNAL <<<"$output")" >&2
		return 1
	fi
	grep -qx "pool=$((n - 1))" <<<"$output" || {
		echo "expected pool=$((n - 1)) in: $output" >&2
		return 1
	}
}

# refute CMD ARG...: fails the test when CMD succeeds. A bare `! CMD` asserts nothing
# except as a test's last command: errexit ignores a negated status (bash(1), set -e).
refute() {
	if "$@"; then
		echo "refute: this should have failed: $*" >&2
		return 1
	fi
}

# The programs under test, exported so that Makefiles and recipes can name them as
# $(JSP) or $$JSP without the test expanding them into the Makefile's text.
export JSP LIB TOKENS TOOLS

# pool_makefile: a Makefile whose target "run" runs the recipe lines read from stdin (their
# leading blanks become one tab), then a last recipe prints pool=<free tokens> for
# assert_pool_whole. With no stdin lines "run" does nothing.
pool_makefile() {
	{
		printf 'all: run\n\t+@echo pool=$$($(TOKENS) count)\nrun:\n'
		sed 's/^[[:space:]]*/\t/'
	} >"$BATS_TEST_TMPDIR/Makefile"
}

# victim NAME: creates $BATS_TEST_TMPDIR/NAME, a regular file with known bytes that the
# code under test must never write to; assert_unchanged NAME checks them afterwards.
VICTIM_BYTES='victim: not a jobserver'
victim() {
	printf '%s\n' "$VICTIM_BYTES" >"$BATS_TEST_TMPDIR/$1"
}
assert_unchanged() {
	local got
	got=$(od -An -c "$BATS_TEST_TMPDIR/$1")
	[ "$got" = "$(printf '%s\n' "$VICTIM_BYTES" | od -An -c)" ] || {
		echo "$1 was written to: $got" >&2
		return 1
	}
}
