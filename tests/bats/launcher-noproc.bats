#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The launcher without /proc: in a private mount namespace with an empty tmpfs over /proc
# (unshare --mount, as a sandbox or a minimal container has it) it finds its library
# through AT_EXECFN, or argv[0] and PATH, and the command always runs with its own exit
# status: never 125 because /proc is missing, and make's pool is whole after it.

load helpers
bats_require_minimum_version 1.5.0

setup() {
	unset JOBSERVER_PRELOAD_LIB JOBSERVER_PRELOAD_VERBOSE
	# unshare --mount needs CAP_SYS_ADMIN: root (as CI runs), or a user namespace.
	UNSHARE=(unshare --mount)
	[ "$(id -u)" = 0 ] || UNSHARE=(unshare --map-root-user --mount)
	if ! "${UNSHARE[@]}" sh -c 'mount -t tmpfs none /proc' 2>/dev/null; then
		[ "${CI:-}" != true ] || { echo "unshare --mount fails under CI" >&2; return 1; }
		skip "no private mount namespace here (not root, no user namespaces)"
	fi
	export UNSHARE_CMD="${UNSHARE[*]}"
}

# noproc CMD...: CMD with an empty /proc.
noproc() {
	"${UNSHARE[@]}" sh -c 'mount -t tmpfs none /proc && [ ! -e /proc/self ] && exec "$@"' _ "$@"
}

# The recipe runs the launcher with an empty /proc; make and the pool count keep theirs.
# The command exits 3: that status, not 125, must reach the recipe.
case_recipe() {
	pool_makefile <<'EOF'
		+@$$UNSHARE_CMD sh -c 'mount -t tmpfs none /proc && exec "$$JSP" -v -I{} sh -c "echo ran count=\$$1 lib=\$$LD_PRELOAD; exit 3" _ {}'; echo status=$$?
EOF
	jsp_make -j4
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx 'status=3' <<<"$output"
	grep -q "^ran count=1 lib=.*$(realpath "$LIB")\$" <<<"$output"
	assert_pool_whole 4
}
@test "make 4.3 -j4: without /proc the launcher finds its library and runs the command" {
	need_make 43; case_recipe
}
@test "make 4.4.1 -j4: without /proc the launcher finds its library and runs the command" {
	need_make 44; case_recipe
}

# fexecve(3) gives AT_EXECFN as /dev/fd/N, which needs /proc too: argv[0] is then looked
# up in PATH. A name that is not in PATH finds nothing, and the command runs unwrapped.
# Debian's python3 (a pyenv shim is a script that needs /proc itself).
@test "without /proc and with AT_EXECFN unusable: argv[0] looked up in PATH" {
	need_tool /usr/bin/python3
	local fexec='import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
os.execve(fd, sys.argv[2:], os.environ)'
	PATH=$JSP_BUILD:$PATH run -0 --separate-stderr noproc /usr/bin/python3 -c "$fexec" "$JSP" \
		jobserver-preload sh -c 'echo "lib=$LD_PRELOAD"'
	echo "$output"
	[[ $output == "lib="*"$(realpath "$LIB")" ]]
	run -0 --separate-stderr noproc /usr/bin/python3 -c "$fexec" "$JSP" jsp-not-in-path -v \
		sh -c 'echo "lib=$LD_PRELOAD"'
	echo "$output $stderr"
	[[ $stderr == *"running sh without claiming"* ]]
	[ "$output" = "lib=${LD_PRELOAD:-}" ]
}

# A launcher copied alone (no library beside it or in its install directory): with /proc
# that is a broken install, 125; without /proc it cannot tell, so the command runs.
@test "without /proc and without the library anywhere: the command runs, unclaimed" {
	mkdir "$BATS_TEST_TMPDIR/bin"
	cp "$JSP" "$BATS_TEST_TMPDIR/bin/"
	run -125 "$BATS_TEST_TMPDIR/bin/jobserver-preload" echo ran
	[[ $output == *"cannot find libjobserver-preload.so"* ]]
	run -4 --separate-stderr noproc "$BATS_TEST_TMPDIR/bin/jobserver-preload" -I{} \
		sh -c 'echo "ran $1"; exit 4' _ {}
	[ "$output" = "ran 1" ]
	[[ $stderr != *"without claiming"* ]] # silent unless verbose
	run -4 --separate-stderr noproc "$BATS_TEST_TMPDIR/bin/jobserver-preload" -v sh -c 'exit 4'
	[[ $stderr == *"/proc, which names this program's own path, cannot be read: running sh without claiming"* ]]
}
