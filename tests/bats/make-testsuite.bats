#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# GNU make 4.4.1's own test suite (tests/ in the source that .ci/build-make44 builds) with
# the library in every make and recipe and JOBSERVER_PRELOAD_PROGRAMS=make: exactly the
# same tests pass as without it, compared test by test with the counts of subtests.
# The suite resets the environment of every make it runs, so the library travels in a
# wrapper script named make; the same wrapper without the library is the baseline, so that
# both runs see the same $(MAKE) and argv[0]. Some tests fail on some machines (as root,
# without guile, ...): only equality is asserted. About 70 s a run.

load helpers

MAKE44_SRC=${JSP_MAKE44_SRC:-$HOME/.cache/jobserver-preload/make-4.4.1/src}

setup() {
	need_make 44
	need_tool perl
	# Not executable: need_tool only reports it (skip, or fail under CI) when it is missing.
	[ -f "$MAKE44_SRC/tests/run_make_tests.pl" ] || need_tool "$MAKE44_SRC/tests/run_make_tests.pl"
}

# wrapper DIR [VAR=VALUE...]: DIR/make, a bash script that exports the assignments and
# execs make 4.4.1 under its own name ($0), as `exec -a` does.
wrapper() {
	local dir=$1 a
	shift
	mkdir -p "$dir"
	{
		echo '#!/bin/bash'
		for a in "$@"; do printf 'export %q\n' "$a"; done
		printf 'exec -a "$0" %q "$@"\n' "$MAKE"
	} >"$dir/make"
	chmod +x "$dir/make"
}

# results LOG: one line per test script, "category/name ok (N passed)" or "... FAILED (N/M
# passed)" or "... N/A". Perl warnings may fall between a name and its result.
results() {
	perl -0777 -ne 'while (/^(\w[\w-]*\/[\w.+-]+) \.+ ?(.*?)(ok +\(\d+ passed\)|FAILED \(\d+\/\d+ passed\)|N\/A)/msg) {
		my ($n, $r) = ($1, $3); $r =~ s/ +/ /; print "$n $r\n" }' "$1"
}

# run_suite NAME WRAPPER: the suite in its own copy (it writes tests/work), with a bare
# environment as make's own `make check` would have. Output in $BATS_TEST_TMPDIR/NAME.log.
run_suite() {
	local name=$1 wrap=$2 dir=$BATS_TEST_TMPDIR/$1
	mkdir -p "$dir"
	cp -a "$MAKE44_SRC/tests" "$dir/"
	rm -rf "$dir/tests/work"
	(cd "$dir/tests" && timeout -k 10 900 env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$HOME" \
		perl ./run_make_tests.pl -srcdir "$MAKE44_SRC" -make "$wrap") \
		>"$BATS_TEST_TMPDIR/$name.log" 2>&1 || true
	results "$BATS_TEST_TMPDIR/$name.log" >"$BATS_TEST_TMPDIR/$name.list"
}

@test "make 4.4.1's test suite: the same results with the library preloaded in every make" {
	local preload=${LD_PRELOAD:+$LD_PRELOAD:}$LIB asan=()
	# Under the sanitizer build the ASan runtime comes first; its signal handlers stay out of
	# make's way (the suite sends make signals and checks its messages).
	[ "${JSP_SANITIZE:-OFF}" = ON ] &&
		asan=(ASAN_OPTIONS=detect_leaks=0:handle_segv=0:handle_sigbus=0:handle_abort=0:handle_sigfpe=0:handle_sigill=0)
	wrapper "$BATS_TEST_TMPDIR/bin-plain"
	wrapper "$BATS_TEST_TMPDIR/bin-preload" "LD_PRELOAD=$preload" \
		JOBSERVER_PRELOAD_PROGRAMS=make "${asan[@]}"

	# The library is in make and in its recipes through the wrapper, under a reset
	# environment: make's own maps, then a recipe's.
	printf 'all:\n\t@grep -c libjobserver-preload /proc/$$PPID/maps /proc/self/maps\n' \
		>"$BATS_TEST_TMPDIR/probe.mk"
	run env -i PATH=/usr/bin:/bin "$BATS_TEST_TMPDIR/bin-preload/make" -f "$BATS_TEST_TMPDIR/probe.mk"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output != *:0* ]]

	run_suite plain "$BATS_TEST_TMPDIR/bin-plain/make"
	run_suite preload "$BATS_TEST_TMPDIR/bin-preload/make"
	local n
	n=$(wc -l <"$BATS_TEST_TMPDIR/plain.list")
	echo "$n test scripts; not ok without the library:" >&2
	grep -v ' ok ' "$BATS_TEST_TMPDIR/plain.list" >&2 || true
	[ "$n" -ge 100 ] || { tail -20 "$BATS_TEST_TMPDIR/plain.log" >&2; return 1; }
	diff -u "$BATS_TEST_TMPDIR/plain.list" "$BATS_TEST_TMPDIR/preload.list" >&2
}
