#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# LD_PRELOAD exported for a whole make -j8 run, as a CI job does: make, every recipe shell,
# $(shell ...), sub-makes and every tool load the library. Only the programs named by
# JOBSERVER_PRELOAD_PROGRAMS claim (a binary by its file name, a shebang script by its own
# name); GNU make never does, so a sub-make's jobs still run side by side; no token is lost.

load helpers

# Why a selected script cannot claim under qemu-user (helpers.bash: qemu_cannot).
QEMU_NO_SCRIPT_NAME="a #! script's AT_EXECFN is the interpreter qemu loaded, so no script is known by its name"

# The same binary and the same script under a selected and an unselected name: whatever
# differs in what they print is the selection's doing. threads prints PARALLELISM=<value>.
setup() {
	local t=$BATS_TEST_TMPDIR
	cp "$TOOLS/threads" "$t/selbin"
	cp "$TOOLS/threads" "$t/otherbin"
	printf '#!/bin/sh\necho "$1 PARALLELISM=${PARALLELISM-unset}"\n' >"$t/selscript"
	cp "$t/selscript" "$t/otherscript"
	# Through env(1): env's own process matches the script's name, claims, and execs sh
	# with the same pid, which keeps the tokens.
	printf '#!/usr/bin/env sh\necho "$1 PARALLELISM=${PARALLELISM-unset}"\n' >"$t/selenv"
	chmod +x "$t/selscript" "$t/otherscript" "$t/selenv"
}

# preload_build PROGRAMS: exports the library for everything the make run starts (after a
# sanitizer runtime, which must stay first) and the program list.
preload_build() {
	export LD_PRELOAD=${LD_PRELOAD:+$LD_PRELOAD:}$LIB
	export JOBSERVER_PRELOAD_PROGRAMS=$1
	unset JOBSERVER_PRELOAD_MAX JOBSERVER_PRELOAD_EXPORT JOBSERVER_PRELOAD_VERBOSE
}

# The top-level Makefile runs its stages in order (each depends on the one before), so a
# selected program runs alone with the whole pool: it must see PARALLELISM=8. The sub-make
# runs through the symlink mymake (GNU make under a name of its own, listed in PROGRAMS,
# known by /proc/self/exe) and starts 4 one-second jobs that must overlap.
write_build() {
	ln -sf "$MAKE" "$BATS_TEST_TMPDIR/mymake"
	write_makefile <<'EOF'
all: submake
	+@echo pool=$$($(TOKENS) count)
submake: selected
	+@./mymake -f sub.mk --no-print-directory
selected: plain
	+@printf 'selbin '; ./selbin
	+@./selscript selscript
	+@./selenv selenv
	+@printf 'otherbin '; ./otherbin
	+@./otherscript otherscript
plain:
	@echo "recipe-shell PARALLELISM=$${PARALLELISM-unset}"
	@echo "shell-function $(shell echo PARALLELISM=$${PARALLELISM-unset})"
EOF
	cat >"$BATS_TEST_TMPDIR/sub.mk" <<'EOF'
all: j1 j2 j3 j4
	+@printf 'sub-selbin '; ./selbin
	@echo "sub-shell PARALLELISM=$${PARALLELISM-unset}"
j1 j2 j3 j4:
	@s=$$(date +%s.%N); sleep 1; echo "job $@ $$s $$(date +%s.%N)"
EOF
}

# assert_overlap: every "job NAME START END" line's interval overlaps every other's: the
# last job started before the first one ended. At -j1 they would run one after another.
assert_overlap() {
	local n
	n=$(grep -c '^job ' <<<"$output")
	[ "$n" -eq 4 ] || { echo "expected 4 job lines, got $n" >&2; return 1; }
	awk '/^job / { if ($3 > maxs) maxs = $3; if (mine == "" || $4 < mine) mine = $4 }
	     END { printf "last start %.3f, first end %.3f\n", maxs, mine; exit !(maxs < mine) }' \
		<<<"$output" >&2
}

case_whole_build() {
	qemu_cannot "$QEMU_NO_SCRIPT_NAME"
	write_build
	preload_build 'selbin:selscript:selenv:make:mymake'
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx 'recipe-shell PARALLELISM=unset' <<<"$output"
	grep -qx 'shell-function PARALLELISM=unset' <<<"$output"
	grep -qx 'selbin PARALLELISM=8' <<<"$output"
	grep -qx 'selscript PARALLELISM=8' <<<"$output"
	grep -qx 'selenv PARALLELISM=8' <<<"$output"
	grep -qx 'otherbin PARALLELISM=' <<<"$output"
	grep -qx 'otherscript PARALLELISM=unset' <<<"$output"
	grep -qx 'sub-selbin PARALLELISM=8' <<<"$output"
	grep -qx 'sub-shell PARALLELISM=unset' <<<"$output"
	assert_overlap
	assert_pool_whole 8
}
# bats test_tags=qemu-user-cannot
@test "make 4.3 -j8, LD_PRELOAD for all: only the selected claim, sub-make jobs overlap, pool whole" {
	need_make 43; case_whole_build
}
# bats test_tags=qemu-user-cannot
@test "make 4.4.1 -j8, LD_PRELOAD for all: only the selected claim, sub-make jobs overlap, pool whole" {
	need_make 44; case_whole_build
}

case_no_list() {
	write_build
	preload_build ''
	unset JOBSERVER_PRELOAD_PROGRAMS
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx 'selbin PARALLELISM=' <<<"$output"
	grep -qx 'selscript PARALLELISM=unset' <<<"$output"
	assert_overlap
	assert_pool_whole 8
}
@test "make 4.3: no JOBSERVER_PRELOAD_PROGRAMS, no claim" { need_make 43; case_no_list; }
@test "make 4.4.1: no JOBSERVER_PRELOAD_PROGRAMS, no claim" { need_make 44; case_no_list; }

# Verbose, make says why it does not claim, once per make process (top and sub-make).
case_make_says_why() {
	write_build
	preload_build 'make:mymake'
	export JOBSERVER_PRELOAD_VERBOSE=1
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q 'jobserver-preload\[[0-9]*\]: make is GNU make, which serves the jobserver: it never claims' <<<"$output"
	grep -q 'jobserver-preload\[[0-9]*\]: mymake is GNU make' <<<"$output"
	refute grep -q 'claimed' <<<"$output"
	assert_overlap
	assert_pool_whole 8
}
@test "make 4.3: GNU make listed in PROGRAMS says it never claims (verbose)" { need_make 43; case_make_says_why; }
@test "make 4.4.1: GNU make listed in PROGRAMS says it never claims (verbose)" { need_make 44; case_make_says_why; }

# JOBSERVER_PRELOAD_MAX and _EXPORT apply to a program selected by name as to the launcher.
case_max_export_env() {
	qemu_cannot "$QEMU_NO_SCRIPT_NAME"
	pool_makefile <<'EOF'
		+@./selscript sel
EOF
	printf '#!/bin/sh\necho "$1 P=$PARALLELISM A=$A B=$B free=$($TOKENS count)"\n' \
		>"$BATS_TEST_TMPDIR/selscript"
	preload_build 'selscript'
	export JOBSERVER_PRELOAD_MAX=3 JOBSERVER_PRELOAD_EXPORT=A:B
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx 'sel P=3 A=3 B=3 free=2' <<<"$output" # its private jobserver: P - 1
	assert_pool_whole 8
}
# bats test_tags=qemu-user-cannot
@test "make 4.3: JOBSERVER_PRELOAD_MAX=3 and _EXPORT=A:B for a selected script" { need_make 43; case_max_export_env; }
# bats test_tags=qemu-user-cannot
@test "make 4.4.1: JOBSERVER_PRELOAD_MAX=3 and _EXPORT=A:B for a selected script" { need_make 44; case_max_export_env; }

# A program that claimed in its own process edits its environment the ways programs do:
# the library's exports may have put environ in an array of its own, which setenv,
# unsetenv and putenv must treat like any other; no name appears twice. Selected by name,
# and named by its pid in JOBSERVER_PRELOAD_CLAIM as the launcher does (the library takes
# that variable out).
case_env_edit() {
	cp "$TOOLS/victim" "$BATS_TEST_TMPDIR/selvictim"
	pool_makefile <<'EOF'
		+@GONE=1 PARALLELISM=5 ./selvictim env
		+@GONE=1 PARALLELISM=5 JOBSERVER_PRELOAD_PROGRAMS= sh -c 'JOBSERVER_PRELOAD_CLAIM=$$$$ exec ./selvictim env'
EOF
	preload_build 'selvictim'
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	local want='PARALLELISM=99 NEW=1 PUT=3 GONE=unset MANY199=199 JOBSERVER_PRELOAD_CLAIM=unset'
	[ "$(grep -cx 'PARALLELISM=8 pid=[0-9]*' <<<"$output")" -eq 2 ]
	# The library's own array (in its image, not on libc's heap, not the kernel's).
	[ "$(grep -cx 'environ-at=libjobserver-preload.so\|environ-at=anon' <<<"$output")" -eq 2 ]
	[ "$(grep -cx "self $want" <<<"$output")" -eq 2 ]
	[ "$(grep -cx "child $want" <<<"$output")" -eq 2 ]
	assert_pool_whole 8
}
@test "make 4.3: a claiming program's own setenv, unsetenv and putenv work as without us" {
	need_make 43; case_env_edit
}
@test "make 4.4.1: a claiming program's own setenv, unsetenv and putenv work as without us" {
	need_make 44; case_env_edit
}

# A bad value: the library claims nothing, says why when verbose, and the program runs.
case_bad_values() {
	qemu_cannot "$QEMU_NO_SCRIPT_NAME"
	printf '#!/bin/sh\necho "$1 P=${PARALLELISM-unset} free=$($TOKENS count)"\n' \
		>"$BATS_TEST_TMPDIR/selscript"
	pool_makefile <<'EOF'
		+@JOBSERVER_PRELOAD_MAX=0 ./selscript max0
		+@JOBSERVER_PRELOAD_MAX=x3 ./selscript maxx3
		+@JOBSERVER_PRELOAD_EXPORT=OK:1BAD ./selscript export1bad
		+@JOBSERVER_PRELOAD_EXPORT=JOBSERVER_PRELOAD_OWNER ./selscript exportours
EOF
	preload_build 'selscript'
	export JOBSERVER_PRELOAD_VERBOSE=1
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	local w
	for w in max0 maxx3 export1bad exportours; do
		grep -qx "$w P=unset free=7" <<<"$output"
	done
	grep -q 'JOBSERVER_PRELOAD_MAX=0 is not a positive integer; not claiming' <<<"$output"
	grep -q 'JOBSERVER_PRELOAD_MAX=x3 is not a positive integer; not claiming' <<<"$output"
	grep -q "JOBSERVER_PRELOAD_EXPORT holds '1BAD', which is not a variable name" <<<"$output"
	grep -q "JOBSERVER_PRELOAD_EXPORT holds 'JOBSERVER_PRELOAD_OWNER'" <<<"$output"
	assert_pool_whole 8
}
# bats test_tags=qemu-user-cannot
@test "make 4.3: bad MAX or EXPORT values: the library says so, claims nothing, the program runs" {
	need_make 43; case_bad_values
}
# bats test_tags=qemu-user-cannot
@test "make 4.4.1: bad MAX or EXPORT values: the library says so, claims nothing, the program runs" {
	need_make 44; case_bad_values
}
