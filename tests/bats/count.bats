#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The count where a tool wants it: -I STR in the command's arguments, --export
# NAME=TEMPLATE (and JOBSERVER_PRELOAD_EXPORT with templates), --default N
# (JOBSERVER_PRELOAD_DEFAULT) when make runs no jobserver, under make 4.3 and 4.4.1; bad
# values exit 125 before anything is claimed, and with LD_PRELOAD set by hand claim nothing.

load helpers
bats_require_minimum_version 1.5.0

setup() {
	unset JOBSERVER_PRELOAD_MAX JOBSERVER_PRELOAD_EXPORT JOBSERVER_PRELOAD_DEFAULT \
		JOBSERVER_PRELOAD_VERBOSE PARALLELISM XZ_OPT
}

# Each line prints its arguments in <>, what it saw and the tokens its jobserver held while it
# ran (the private one of its tree after a claim: pool.bats).
case_replace_j8() {
	pool_makefile <<'EOF'
		+@$(JSP) -I{} sh -c 'echo "one <$$1> P=$$PARALLELISM free=$$($(TOKENS) count)"' _ {}
		+@$(JSP) -I{} sh -c 'echo "many <$$1> <$$2> <$$3>"' _ -j{} {}x{}{} '{ }'
		+@$(JSP) --max 3 -I%N sh -c 'echo "max <$$1> <$$2> P=$$PARALLELISM free=$$($(TOKENS) count)"' _ -j%N {}
		+@$(JSP) --default 5 -I{} sh -c 'echo "default <$$1> P=$$PARALLELISM"' _ {}
		+@$(JSP) --export XZ_OPT=-T{} --export 'PARALLEL=-j{} --tag' --export B sh -c 'echo "exp X=$$XZ_OPT Y=$$PARALLEL B=$$B"'
		+@JOBSERVER_PRELOAD_EXPORT='J=-XX\:Count={}:K={{{}}}' $(JSP) --max 2 sh -c 'echo "env J=$$J K=$$K"'
EOF
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx 'one <8> P=8 free=7' <<<"$output"
	grep -qx 'many <-j8> <8x88> <{ }>' <<<"$output"
	grep -qx 'max <-j3> <{}> P=3 free=2' <<<"$output"
	grep -qx 'default <8> P=8' <<<"$output" # a jobserver: --default does not apply
	grep -qx 'exp X=-T8 Y=-j8 --tag B=8' <<<"$output"
	grep -qx 'env J=-XX:Count=2 K={2}' <<<"$output"
	assert_pool_whole 8
}
@test "make 4.3 -j8: -I{} and --export NAME=TEMPLATE get the count claimed" { need_make 43; case_replace_j8; }
@test "make 4.4.1 -j8: -I{} and --export NAME=TEMPLATE get the count claimed" { need_make 44; case_replace_j8; }

# make -j1 runs no jobserver: without --default the count of -I is 1 and PARALLELISM is
# left as it was (77 here); with it, -I, PARALLELISM and the exports all get N, at most --max.
case_default_j1() {
	pool_makefile <<'EOF'
		+@PARALLELISM=77 $(JSP) -I{} --export XZ_OPT=-T{} sh -c 'echo "none <$$1> P=$$PARALLELISM X=$${XZ_OPT-unset}"' _ -j{}
		+@PARALLELISM=77 $(JSP) -I{} --default 4 --export XZ_OPT=-T{} sh -c 'echo "dflt <$$1> P=$$PARALLELISM X=$$XZ_OPT"' _ -j{}
		+@JOBSERVER_PRELOAD_DEFAULT=6 $(JSP) -I{} --max 2 sh -c 'echo "capped <$$1> P=$$PARALLELISM"' _ {}
EOF
	jsp_make -j1
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx 'none <-j1> P=77 X=unset' <<<"$output"
	grep -qx 'dflt <-j4> P=4 X=-T4' <<<"$output"
	grep -qx 'capped <2> P=2' <<<"$output"
	grep -qx 'pool=none' <<<"$output"
}
@test "make 4.3 -j1: --default N is the count with no jobserver, 1 without it" { need_make 43; case_default_j1; }
@test "make 4.4.1 -j1: --default N is the count with no jobserver, 1 without it" { need_make 44; case_default_j1; }

# make 4.3 closes the jobserver's fds in a recipe not marked '+': the build is parallel,
# so the command gets its own slot, 1, not --default's 5.
@test "make 4.3 -j8, recipe without '+': the count is 1 whatever --default says" {
	need_make 43
	pool_makefile <<'EOF'
		@$(JSP) -v -I{} --default 5 sh -c 'echo "plain <$$1> P=$$PARALLELISM"' _ {}
EOF
	jsp_make -j8
	echo "$output"
	grep -qx 'plain <1> P=1' <<<"$output"
	grep -q "the command's own job slot" <<<"$output"
	assert_pool_whole 8
}

# A wrapped script that runs a wrapped tool: the inner launcher (another pid, or the same
# pid after exec) claims nothing more and gives its -I and exports the count held above.
case_nested() {
	pool_makefile <<'EOF'
		+@$(JSP) sh -c '$$JSP -I{} --export XZ_OPT=-T{} sh -c "echo child \$$1 X=\$$XZ_OPT" _ {}'
		+@$(JSP) sh -c 'exec $$JSP -I{} --max 3 sh -c "echo exec \$$1 P=\$$PARALLELISM free=\$$($$TOKENS count)" _ {}'
EOF
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx 'child 8 X=-T8' <<<"$output"
	grep -qx 'exec 3 P=3 free=7' <<<"$output" # held above: its private pool stays as it was
	assert_pool_whole 8
}
@test "make 4.3 -j8: a nested launcher's -I and exports get the count held above" { need_make 43; case_nested; }
@test "make 4.4.1 -j8: a nested launcher's -I and exports get the count held above" { need_make 44; case_nested; }

# Outside make: every argument without STR reaches the command as the very bytes given;
# the command's name is not an argument.
@test "-I: arguments without STR pass byte for byte; the command's name is left alone" {
	local odd=$'tab\there nl\nx \\ { } }{ {{ "q" \xff\xfe é' want got
	mkdir -p "$BATS_TEST_TMPDIR/{}"
	printf '#!/bin/sh\nprintf "%%s\\0" "$0" "$@"\n' >"$BATS_TEST_TMPDIR/{}/show"
	chmod +x "$BATS_TEST_TMPDIR/{}/show"
	want=$(printf '%s\0' "$BATS_TEST_TMPDIR/{}/show" "$odd" '' 1 "a1b" | od -An -tx1)
	got=$(MAKEFLAGS= "$JSP" -I{} "$BATS_TEST_TMPDIR/{}/show" "$odd" '' {} 'a{}b' | od -An -tx1)
	[ "$got" = "$want" ]
}

# JOBSERVER_PRELOAD_EXPORT with templates, set by hand for a whole build: the listed
# program exports the values itself; a bad template makes it claim nothing, and it runs
# with its own status.
case_ldpreload() {
	cat >"$BATS_TEST_TMPDIR/tool" <<'EOF'
#!/bin/sh
printf '%s P=%s X=%s J=%s free=%s\n' "$1" "${PARALLELISM-unset}" "${XZ_OPT-unset}" "${J-unset}" \
	"$($TOKENS count)"
exit "${2:-0}"
EOF
	chmod +x "$BATS_TEST_TMPDIR/tool"
	pool_makefile <<'EOF'
		+@JOBSERVER_PRELOAD_EXPORT='XZ_OPT=-T{}:J=a\:{}\\b' ./tool good
		+@JOBSERVER_PRELOAD_EXPORT='XZ_OPT=-T{' ./tool badbrace 3; echo status=$$?
		+@JOBSERVER_PRELOAD_EXPORT='XZ_OPT=-T' ./tool nocount
		+@JOBSERVER_PRELOAD_EXPORT='J=a{}:A-B={}' ./tool badname
		+@JOBSERVER_PRELOAD_EXPORT='J=a\b{}' ./tool badescape
		+@JOBSERVER_PRELOAD_DEFAULT=x ./tool baddefault
EOF
	export LD_PRELOAD=${LD_PRELOAD:+$LD_PRELOAD:}$LIB JOBSERVER_PRELOAD_PROGRAMS=tool
	export JOBSERVER_PRELOAD_VERBOSE=1
	jsp_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx 'good P=8 X=-T8 J=a:8\\b free=7' <<<"$output"
	grep -qx 'badbrace P=unset X=unset J=unset free=7' <<<"$output"
	grep -qx 'status=3' <<<"$output"
	grep -q "EXPORT holds 'XZ_OPT=-T{', which has a '{' or '}' that is not part of {}: write" <<<"$output"
	grep -qx 'nocount P=unset X=unset J=unset free=7' <<<"$output"
	grep -q "EXPORT holds 'XZ_OPT=-T', which has no {} in its template" <<<"$output"
	grep -qx 'badname P=unset X=unset J=unset free=7' <<<"$output"
	grep -q "EXPORT holds 'A-B={}', which is not a variable name" <<<"$output"
	grep -qx 'badescape P=unset X=unset J=unset free=7' <<<"$output"
	grep -q "which has a '\\\\' before neither ':' nor '\\\\'" <<<"$output"
	grep -qx 'baddefault P=unset X=unset J=unset free=7' <<<"$output"
	grep -q "JOBSERVER_PRELOAD_DEFAULT=x is not a positive integer; not claiming" <<<"$output"
	assert_pool_whole 8
}
@test "make 4.3 -j8, LD_PRELOAD by hand: templates in the variable; a bad one claims nothing" {
	need_make 43; case_ldpreload
}
@test "make 4.4.1 -j8, LD_PRELOAD by hand: templates in the variable; a bad one claims nothing" {
	need_make 44; case_ldpreload
}

# The launcher checks every value before it claims: exit 125, the command never runs, and
# make's pool is whole (nothing was taken).
@test "125: a bad -I, --default or template, before anything is claimed" {
	need_make 43
	pool_makefile <<'EOF'
		+@$(JSP) -v -I '' echo ran; echo status=$$?
		+@$(JSP) -v --default 0 echo ran; echo status=$$?
		+@$(JSP) -v --export 'XZ_OPT=-T{' echo ran; echo status=$$?
		+@$(JSP) -v --export 'XZ_OPT=-T' echo ran; echo status=$$?
		+@$(JSP) -v --export 'XZ_OPT={count}' echo ran; echo status=$$?
		+@JOBSERVER_PRELOAD_EXPORT='A=\x{}' $(JSP) -v echo ran; echo status=$$?
		+@JOBSERVER_PRELOAD_DEFAULT=-1 $(JSP) -v echo ran; echo status=$$?
EOF
	jsp_make -j8
	echo "$output"
	[ "$(grep -cx 'status=125' <<<"$output")" -eq 7 ]
	refute grep -q '^ran' <<<"$output"
	refute grep -q 'claimed' <<<"$output"
	grep -q -- "-I needs a string to replace" <<<"$output"
	grep -q -- "--default '0' is not a positive integer" <<<"$output"
	grep -q -- "--export 'XZ_OPT=-T{' has a '{' or '}' that is not part of {}" <<<"$output"
	grep -q -- "--export 'XZ_OPT=-T' has no {} in its template" <<<"$output"
	grep -q -- "--export 'XZ_OPT={count}' has a '{' or '}'" <<<"$output"
	grep -q "JOBSERVER_PRELOAD_EXPORT holds 'A=\\\\x{}', which has a '\\\\' before" <<<"$output"
	grep -q "JOBSERVER_PRELOAD_DEFAULT=-1 is not a positive integer" <<<"$output"
	assert_pool_whole 8
}

@test "--export: a template may hold ':' and '\\'; a value of 255 bytes at most" {
	run -0 env MAKEFLAGS= "$JSP" --default 3 --export 'J=-XX:A={}:\n' sh -c 'printf "%s" "$J"'
	[ "$output" = '-XX:A=3:\n' ]
	local long
	long=$(printf '%*s' 250 '' | tr ' ' x)
	run -0 env MAKEFLAGS= "$JSP" --default 3 --export "L=$long{}" sh -c 'printf "%s" "$L"'
	[ "$output" = "${long}3" ]
	run -125 "$JSP" --export "L=${long}x{}" true
	[[ $output == *"too long: its value may take 255 bytes at most"* ]]
}
