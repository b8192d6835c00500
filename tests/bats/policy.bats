#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The claim policy through the launcher: --max N, --export NAME, the same as
# JOBSERVER_PRELOAD_MAX / _EXPORT, bad values (exit 125 with the reason), and --help.

load helpers
bats_require_minimum_version 1.5.0

setup() {
	unset JOBSERVER_PRELOAD_MAX JOBSERVER_PRELOAD_EXPORT
}

# Each line prints what the command saw and how many tokens were left free while it ran.
case_max_export() {
	pool_makefile <<'EOF'
		+@$(JSP) --max 3 sh -c 'echo max3 P=$$PARALLELISM free=$$($(TOKENS) count)'
		+@$(JSP) --max 1 sh -c 'echo max1 P=$$PARALLELISM free=$$($(TOKENS) count)'
		+@$(JSP) --max 100 sh -c 'echo max100 P=$$PARALLELISM free=$$($(TOKENS) count)'
		+@JOBSERVER_PRELOAD_MAX=2 $(JSP) sh -c 'echo env2 P=$$PARALLELISM free=$$($(TOKENS) count)'
		+@JOBSERVER_PRELOAD_MAX=2 $(JSP) --max 5 sh -c 'echo opt5 P=$$PARALLELISM'
		+@JOBSERVER_PRELOAD_MAX= $(JSP) sh -c 'echo empty P=$$PARALLELISM'
		+@$(JSP) --export A --export B_2 sh -c 'echo exp P=$$PARALLELISM A=$$A B_2=$$B_2'
		+@JOBSERVER_PRELOAD_EXPORT=C:D $(JSP) --max 4 sh -c 'echo envexp P=$$PARALLELISM C=$$C D=$$D'
EOF
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	# free: what the command's jobserver holds, the private one of its tree (pool.bats)
	# after a claim: PARALLELISM - 1; make's after none (--max 1).
	grep -qx 'max3 P=3 free=2' <<<"$output"
	grep -qx 'max1 P=1 free=7' <<<"$output"
	grep -qx 'max100 P=8 free=7' <<<"$output"
	grep -qx 'env2 P=2 free=1' <<<"$output"
	grep -qx 'opt5 P=5' <<<"$output"
	grep -qx 'empty P=8' <<<"$output"
	grep -qx 'exp P=8 A=8 B_2=8' <<<"$output"
	grep -qx 'envexp P=4 C=4 D=4' <<<"$output"
	assert_pool_whole 8
}
@test "make 4.3 -j8: --max and --export, and their variables" { need_make 43; case_max_export; }
@test "make 4.4.1 -j8: --max and --export, and their variables" { need_make 44; case_max_export; }

@test "125: --max is not a positive integer" {
	local v
	for v in 0 -1 x '' 3x ' 3' 1.5 65537 99999999999999999999; do
		run -125 "$JSP" --max "$v" echo ran
		[[ $output == *"jobserver-preload: --max '$v' "* ]]
		[[ $output != *ran* ]]
	done
	run -125 "$JSP" --max
	[[ $output == *"Try 'jobserver-preload --help'"* ]]
}

@test "125: --export is not a variable name" {
	local v
	for v in '' 1A A-B 'A B' =1 '=-T{}' 'A:B' 'A:B={}' JOBSERVER_PRELOAD_OWNER JOBSERVER_PRELOAD_X; do
		run -125 "$JSP" --export "$v" echo ran
		[[ $output == *"jobserver-preload: --export '$v' is not a variable name"* ]]
		[[ $output != *ran* ]]
	done
}

@test "125: JOBSERVER_PRELOAD_MAX or _EXPORT set by hand to a bad value" {
	JOBSERVER_PRELOAD_MAX=0 run -125 "$JSP" echo ran
	[[ $output == *"jobserver-preload: JOBSERVER_PRELOAD_MAX=0 is not a positive integer"* ]]
	JOBSERVER_PRELOAD_EXPORT=OK:9x run -125 "$JSP" echo ran
	[[ $output == *"jobserver-preload: JOBSERVER_PRELOAD_EXPORT holds '9x', which is not a variable name"* ]]
	# An option overrides the bad variable: nothing wrong is left.
	JOBSERVER_PRELOAD_MAX=0 run -0 "$JSP" --max 2 echo ran
	[ "$output" = ran ]
	JOBSERVER_PRELOAD_EXPORT=OK:9x run -0 "$JSP" --export OK echo ran
	[ "$output" = ran ]
}

@test "--help lists every JOBSERVER_PRELOAD_ variable and the new options" {
	run -0 "$JSP" --help
	local v
	for v in LIB VERBOSE MAX EXPORT PROGRAMS CLAIM OWNER; do
		[[ $output == *"JOBSERVER_PRELOAD_$v"* ]] || { echo "missing $v" >&2; return 1; }
	done
	[[ $output == *"--max N"* ]]
	[[ $output == *"--export NAME"* ]]
	# And every variable the sources define is in the help.
	local defined
	defined=$( { grep -oh 'ENV_PREFIX "[A-Z][A-Z_]*"' "$BATS_TEST_DIRNAME"/../../preload/*.h
		grep -oh '"JOBSERVER_PRELOAD_[A-Z][A-Z_]*"' "$BATS_TEST_DIRNAME"/../../preload/*.h; } |
		sed 's/.*"\(JOBSERVER_PRELOAD_\)\{0,1\}\([A-Z_]*\)"/\2/' | sort -u)
	[ -n "$defined" ]
	for v in $defined; do
		[[ $output == *"JOBSERVER_PRELOAD_$v"* ]] || { echo "--help misses $v" >&2; return 1; }
	done
}
