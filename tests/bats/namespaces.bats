#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 22: owners and reapers that cannot see each other's pids (a pid namespace), a /proc
# of another namespace or none at all, another network or user namespace. Each either works
# (the tokens come back however the command ends) or claims nothing; never a pid the kernel
# did not give in this namespace, never a byte written into make's pipe that make did not
# write (the bytes of the pool are compared before and after), the command's status its
# own. Every case runs in a network namespace of its own (hostile.bash, netns_note).
#
# A case: HOLD runs beside RUN and keeps a reaper alive (outside, or inside a pid
# namespace) until the end; RUN is the wrapped command in WRAP, ending by exit 3 or by
# SIGKILL; NEXT, a wrapped command outside any namespace, is SIGKILLed after it.

load helpers
load faults
load hostile

setup() {
	need_root
	NETNS=1
	cat >"$BATS_TEST_TMPDIR/cmd" <<'EOF'
echo "${2:-run} par=$PARALLELISM"
case $1 in exit) exit 3 ;; kill) kill -KILL $$ ;; esac
EOF
	{
		make_vars
		cat <<'EOF'
HOLDER = JOBSERVER_PRELOAD_MAX=2 $(JSP) sh -c ': > held; until [ -e finished ]; do sleep 0.01; done'
all: bytes
before:
	+@$(TOKENS) dump > before
holder: before
	-+@$(if $(HOLD),$(HOLD),: > held)
run: before
	-+@until [ -e held ]; do sleep 0.001; done; $(WRAP) $(RUN); echo "status=$$?"
next: run
	-+@$(JSP) sh ./cmd kill next; echo "next status=$$?"
finish: next
	@: > finished
bytes: count
	+@$(TOKENS) dump > after; cmp -s before after || { echo "foreign bytes:"; od -c before after; }
EOF
		count_rules "finish holder"
	} | write_makefile
}

# ns_case MAKE LABEL HOLD WRAP RUN: both ends of RUN; RUN names $(END) for the ending.
# WANT_CLAIM=no: RUN must claim nothing.
ns_case() {
	local end want bad=()
	need_make "$1"
	for end in exit kill; do
		[ $end = exit ] && want=3 || want=137
		${CASE_MAKE:-case_make} "$(case_tag "$end")" "HOLD=$3" "WRAP=$4" "RUN=${5//\$(END)/$end}"
		echo "$output"
		check_case "$2, $end" "$want" || bad+=("$end")
		if grep -q '^foreign bytes' <<<"$output"; then
			echo "$2, $end: a byte that make did not write is in its pipe" >&2
			bad+=("$end: foreign byte")
		fi
		if [ "${WANT_CLAIM:-}" = no ] && grep -q '^run par=[2-8]$' <<<"$output"; then
			echo "$2, $end: claimed where it must not" >&2
			bad+=("$end: claimed")
		fi
		echo "# $2 ($1, $end): $(grep -m1 '^run par=' <<<"$output"), make took $CASE_MS ms" >&3
	done
	[ ${#bad[@]} -eq 0 ]
}

RUN='$(JSP) sh ./cmd $(END)'
PIDNS='unshare --pid --fork'
# In a pid namespace the command must not be its init: init ignores the signals it sends
# itself, SIGKILL too. A shell is init and passes the status on.
INNER="sh -c '$RUN; exit \$\$?'"

@test "make 4.3: an owner in a child pid namespace, /proc of the parent's, reaper outside" {
	ns_case 43 "pidns, /proc not its own" '$(HOLDER)' "$PIDNS" "$INNER"
}
@test "make 4.4.1: an owner in a child pid namespace, /proc of the parent's, reaper outside" {
	ns_case 44 "pidns, /proc not its own" '$(HOLDER)' "$PIDNS" "$INNER"
}
@test "make 4.3: an owner in a child pid namespace with its own /proc, reaper outside" {
	ns_case 43 "pidns, its own /proc" '$(HOLDER)' "$PIDNS --mount-proc" "$INNER"
}
@test "make 4.4.1: an owner in a child pid namespace with its own /proc, reaper outside" {
	ns_case 44 "pidns, its own /proc" '$(HOLDER)' "$PIDNS --mount-proc" "$INNER"
}
# No reaper outside: the owner inside starts one there, and the next owner, outside,
# must not use it.
@test "make 4.3: a reaper started in a child pid namespace, the next owner outside" {
	ns_case 43 "pidns, fresh" "" "$PIDNS --mount-proc" "$INNER"
}
@test "make 4.4.1: a reaper started in a child pid namespace, the next owner outside" {
	ns_case 44 "pidns, fresh" "" "$PIDNS --mount-proc" "$INNER"
}
@test "make 4.3: a reaper held in a child pid namespace, owners outside it" {
	ns_case 43 "reaper in a pidns" "$PIDNS --mount-proc sh -c \"\$(HOLDER)\"" "" "$RUN"
}
@test "make 4.4.1: a reaper held in a child pid namespace, owners outside it" {
	ns_case 44 "reaper in a pidns" "$PIDNS --mount-proc sh -c \"\$(HOLDER)\"" "" "$RUN"
}
@test "make 4.4.1: a reaper held in a child pid namespace without its own /proc, owners outside" {
	ns_case 44 "reaper in a pidns, /proc not its own" "$PIDNS sh -c \"\$(HOLDER)\"" "" "$RUN"
}
@test "make 4.3: an owner in another network namespace, reaper outside" {
	ns_case 43 "netns" '$(HOLDER)' "unshare --net" "$RUN"
}
@test "make 4.4.1: an owner in another network namespace, reaper outside" {
	ns_case 44 "netns" '$(HOLDER)' "unshare --net" "$RUN"
}

# /proc replaced by an empty tmpfs in a private mount namespace: the launcher must still
# run the command (not exit 125), with its own status, and nothing is claimed; the library
# preloaded by hand too. (The launcher's side belongs to branch count.)
NOPROC="unshare --mount sh -c 'mount -t tmpfs none /proc && exec \"\$\$@\"' sh"
@test "make 4.3: no /proc: the launcher runs the command with its own status, claims nothing" {
	WANT_CLAIM=no ns_case 43 "no /proc, launcher" '$(HOLDER)' "$NOPROC" "$RUN"
}
@test "make 4.4.1: no /proc: the launcher runs the command with its own status, claims nothing" {
	WANT_CLAIM=no ns_case 44 "no /proc, launcher" '$(HOLDER)' "$NOPROC" "$RUN"
}
@test "make 4.4.1: no /proc: the library preloaded by hand claims nothing, the command runs" {
	WANT_CLAIM=no ns_case 44 "no /proc, LD_PRELOAD" '$(HOLDER)' "$NOPROC" \
		'env LD_PRELOAD=$${LD_PRELOAD:+$$LD_PRELOAD:}$(LIB) JOBSERVER_PRELOAD_PROGRAMS=sh sh ./cmd $(END)'
}

# A user namespace: jsp-owner runs the build; its command runs as root inside a user
# namespace of its own (uid 0 there is jsp-owner outside), while jsp-owner's reaper runs
# outside it.
owner_userns() {
	need_tool "$MAKE44"
	users_create
	owner_dir
	cp "$BATS_TEST_TMPDIR/Makefile" "$BATS_TEST_TMPDIR/cmd" "$ODIR/"
	chown "$OWNER_USER" "$ODIR"/*
	as_user "$OWNER_USER" unshare --user --map-root-user true ||
		{ echo "jsp-owner cannot make a user namespace here" >&2; return 1; }
	CASE_MAKE=owner_case_make ns_case "$1" "userns, root inside" '$(HOLDER)' \
		"unshare --user --map-root-user" "$RUN"
}
teardown() {
	[ -z "${PUB:-}" ] || users_delete
}

@test "make 4.3: an owner that is root in a user namespace of its own, reaper outside" {
	owner_userns 43
}
@test "make 4.4.1: an owner that is root in a user namespace of its own, reaper outside" {
	owner_userns 44
}
