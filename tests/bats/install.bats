#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The installed tool: cmake --install into a temporary prefix (and a DESTDIR that is then
# moved), and the installed launcher under real make 4.3 and 4.4.1 with no variable set.
# Which library a run loaded is read from the command's own /proc/self/maps.

load helpers
bats_require_minimum_version 1.5.0

SRC=$BATS_TEST_DIRNAME/../..

setup() {
	need_tool cmake man
	# The launcher must find its library by itself, never through the environment.
	unset JOBSERVER_PRELOAD_LIB
}

# jsp_install PREFIX [DESTDIR] [BUILD]: cmake --install, failing with its output.
jsp_install() {
	local out
	out=$(DESTDIR=${2-} cmake --install "${3:-$JSP_BUILD}" --prefix "$1" 2>&1) || {
		echo "cmake --install failed: $out" >&2
		return 1
	}
}

# installed_lib ROOT: the one libjobserver-preload.so under ROOT/lib or ROOT/lib/<triplet>.
installed_lib() {
	local found
	found=$(cd "$1" && ls -d lib/jobserver-preload/libjobserver-preload.so \
		lib/*/jobserver-preload/libjobserver-preload.so 2>/dev/null || true)
	[ "$(wc -w <<<"$found")" -eq 1 ] || {
		echo "expected one library under $1/lib, found: ${found:-none}" >&2
		return 1
	}
	echo "$1/$found"
}

# run_installed LAUNCHER ROOT: LAUNCHER in a '+' recipe under $MAKE -j8, from a directory
# outside ROOT and the build tree: PARALLELISM=8, the library loaded from ROOT, pool whole.
run_installed() {
	export INSTALLED=$1
	pool_makefile <<'EOF'
		+@cd / && $$INSTALLED sh -c 'echo P=$$PARALLELISM; grep -o "/[^ ]*/libjobserver-preload[^ ]*" /proc/self/maps | sort -u | sed s/^/lib=/'
EOF
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx 'P=8' <<<"$output"
	[ "$(grep -c '^lib=' <<<"$output")" -eq 1 ]
	grep -qx "lib=$(installed_lib "$2")" <<<"$output"
	assert_pool_whole 8
}

@test "cmake --install: launcher, library, man pages, completion, docs in their places" {
	local p=$BATS_TEST_TMPDIR/P lib
	jsp_install "$p"
	[ -x "$p/bin/jobserver-preload" ]
	lib=$(installed_lib "$p")
	# The trace library (--trace) lives beside the main one, where the launcher looks.
	if [ -e "$JSP_BUILD/libjobserver-preload-trace.so" ]; then
		[ -f "$(dirname "$lib")/libjobserver-preload-trace.so" ]
	fi
	[ -x "$p/bin/jobserver-exec" ]
	[ -f "$p/share/man/man1/jobserver-preload.1" ]
	[ -f "$p/share/man/man1/jobserver-exec.1" ]
	[ -f "$p/share/bash-completion/completions/jobserver-preload" ]
	[ -f "$p/share/bash-completion/completions/jobserver-exec" ]
	[ -f "$p/share/zsh/site-functions/_jobserver-preload" ]
	[ -f "$p/share/fish/vendor_completions.d/jobserver-preload.fish" ]
	[ -f "$p/share/fish/vendor_completions.d/jobserver-exec.fish" ]
	[ -f "$p/share/doc/jobserver-preload/user-guide.md" ]
	# Both pages render from the installed tree, the .so link included, with no warning.
	for page in jobserver-preload jobserver-exec; do
		# man runs troff, which is not built for the sanitizer's preloaded runtime.
		run --separate-stderr env -u LD_PRELOAD man --warnings -M "$p/share/man" "$page"
		[ "$status" -eq 0 ]
		[ -z "$stderr" ] || { echo "man $page: $stderr" >&2; return 1; }
		grep -q 'JOBSERVER_PRELOAD_PROGRAMS' <<<"$output"
	done
}

case_prefix() {
	local p=$BATS_TEST_TMPDIR/P
	jsp_install "$p"
	run_installed "$p/bin/jobserver-preload" "$p"
	run_installed "$p/bin/jobserver-exec" "$p"
}
@test "make 4.3 -j8: jobserver-preload and jobserver-exec installed in a prefix: PARALLELISM=8, their library, pool whole" { need_make 43; case_prefix; }
@test "make 4.4.1 -j8: jobserver-preload and jobserver-exec installed in a prefix: PARALLELISM=8, their library, pool whole" { need_make 44; case_prefix; }

# Staged with DESTDIR for /usr, then the whole tree moved: the lookup is relative to the
# launcher, so the moved copy still loads its own library, not one at the staged path.
case_destdir_moved() {
	local t=$BATS_TEST_TMPDIR
	jsp_install /usr "$t/stage"
	run_installed "$t/stage/usr/bin/jobserver-preload" "$t/stage/usr"
	mv "$t/stage" "$t/moved"
	run_installed "$t/moved/usr/bin/jobserver-preload" "$t/moved/usr"
	run_installed "$t/moved/usr/bin/jobserver-exec" "$t/moved/usr"
	# --trace finds the trace library beside the moved library, and the build balances.
	run "$t/moved/usr/bin/jobserver-preload" --trace "$t/t.log" \
		timeout -k 5 "$TIMEOUT" "$MAKE" -C "$t" --no-print-directory -j8
	echo "$output"
	[ "$status" -eq 0 ]
	assert_pool_whole 8
	run "$t/moved/usr/bin/jobserver-preload" --report "$t/t.log"
	echo "$output"
	[ "$status" -eq 0 ]
}
@test "make 4.3 -j8: a DESTDIR install, moved: both entry points and --trace find their libraries" { need_make 43; case_destdir_moved; }
@test "make 4.4.1 -j8: a DESTDIR install, moved: both entry points and --trace find their libraries" { need_make 44; case_destdir_moved; }

@test "an installed launcher without its library exits 125 and names the fix" {
	local p=$BATS_TEST_TMPDIR/P
	jsp_install "$p"
	rm "$(installed_lib "$p")"
	run "$p/bin/jobserver-preload" true
	echo "$output"
	[ "$status" -eq 125 ]
	grep -q 'cannot find libjobserver-preload.so.*set JOBSERVER_PRELOAD_LIB' <<<"$output"
}

# Configured for /usr, GNUInstallDirs puts the library under lib/<multiarch triplet> on
# Debian; the launcher's relative path must follow. A fresh, small build of the project.
@test "make 4.4.1 -j8: configured for /usr: lib/<triplet>/jobserver-preload, found when moved" {
	need_make 44
	need_tool gcc
	local t=$BATS_TEST_TMPDIR triplet
	triplet=$(gcc -print-multiarch)
	if [ -z "$triplet" ]; then
		[ "${CI:-}" != true ] || { echo "gcc has no multiarch triplet under CI" >&2; return 1; }
		skip "gcc has no multiarch triplet here"
	fi
	# Built without the sanitizer's LD_PRELOAD: cmake and gcc need not run under it.
	env -u LD_PRELOAD cmake -S "$SRC" -B "$t/b" -DCMAKE_INSTALL_PREFIX=/usr \
		-DBUILD_TESTING=OFF >/dev/null
	env -u LD_PRELOAD cmake --build "$t/b" >/dev/null
	jsp_install /usr "$t/stage" "$t/b"
	[ -f "$t/stage/usr/lib/$triplet/jobserver-preload/libjobserver-preload.so" ]
	mv "$t/stage" "$t/moved"
	run_installed "$t/moved/usr/bin/jobserver-preload" "$t/moved/usr"
	# lib/<triplet> is what ld.so's $LIB stands for here: LD_PRELOAD names the library
	# through it (cmake/ldso-lib.cmake), from the real prefix, after what was there.
	run env -u LD_PRELOAD "$t/moved/usr/bin/jobserver-preload" sh -c 'echo "$LD_PRELOAD"'
	[ "$output" = "$(realpath "$t/moved/usr")/\$LIB/jobserver-preload/libjobserver-preload.so" ]
}

# Installed with lib/ as its libdir, which $LIB does not stand for on Debian: the absolute
# path, as before.
@test "a prefix whose libdir is not ld.so's \$LIB: LD_PRELOAD names the library itself" {
	local p=$BATS_TEST_TMPDIR/P lib
	jsp_install "$p"
	lib=$(installed_lib "$p")
	if [[ $lib != */lib/jobserver-preload/* ]]; then
		[ "${CI:-}" != true ] || { echo "this build's libdir is $lib under CI" >&2; return 1; }
		skip "this build's libdir is $lib"
	fi
	# The last word: the launcher appends to what was there (the sanitizer's runtime).
	run "$p/bin/jobserver-preload" sh -c 'echo "${LD_PRELOAD##*:}"'
	echo "$output"
	[[ $output != *'$LIB'* ]]
	[ "$(realpath "$output")" = "$(realpath "$lib")" ]
}

# zsh reads <prefix>/share/zsh/site-functions for /usr/local (its default $fpath has it),
# fish reads <dir>/fish/vendor_completions.d for each dir of XDG_DATA_DIRS: the completions
# installed in a prefix are found there, by the shells themselves.
@test "cmake --install: zsh and fish find the completions where they look" {
	need_tool zsh fish
	local p=$BATS_TEST_TMPDIR/P home=$BATS_TEST_TMPDIR/home
	jsp_install "$p"
	zsh -fc 'print -l $fpath' | grep -qx /usr/local/share/zsh/site-functions
	run env PATH="$p/bin:$PATH" timeout 60 zsh "$BATS_TEST_DIRNAME/../tools/zsh-complete.zsh" \
		"$p/share/zsh/site-functions" 'jobserver-preload --ma'
	[ "$output" = --max ]
	mkdir -p "$home/config" "$home/data"
	for cmd in jobserver-preload jobserver-exec; do
		run env PATH="$p/bin:$PATH" XDG_DATA_DIRS="$p/share:/usr/share" \
			XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data" \
			fish -c "complete -C '$cmd ls --ver'; complete -C 'jobserver-preload --ma'"
		echo "$output"
		[ "$(cut -f1 <<<"$output")" = "--version
--max" ]
	done
}
