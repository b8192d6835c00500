# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the suites of issues 14 and 22 (seccomp.bats, otheruser.bats, stall.bats,
# namespaces.bats): one make per case with a tag to find what it left running, a network
# namespace of its own, a second user, and the per-case checks. Load after helpers.bash.

# The tools of these suites (seccomp-deny, sockflood) from another build tree, to run the
# suites against a build that has not got them yet: JSP_HOSTILE_TOOLS=DIR.
HTOOLS=${JSP_HOSTILE_TOOLS:-$TOOLS}

# Every case: a make -j8 of $BATS_TEST_TMPDIR/Makefile that ends with the pool counted
# (faults.bash's COUNT, then pool=N for assert_pool_whole). A case that hangs shows as
# make's timeout: keep the bound short, a passing case ends in about a second.
: "${HOSTILE_TIMEOUT:=15}"

# case_tag: a word that every process of the running case inherits in its environment,
# a reaper too (/proc/PID/environ is what the process was started with, and a reaper is a
# fork of an owner). Set only in make's environment, never in bats' own.
case_tag() {
	echo "jsp-hostile-$$-${BATS_TEST_NUMBER:-0}-$1"
}

# kill_strays TAG: SIGKILLs, by pid, every process started with JSP_HOSTILE_TAG=TAG (a
# reaper stuck in a loop, an attacker's connection holder); prints how many it found.
kill_strays() {
	local p n=0 pids
	# One grep for every process: a fork per process would cost seconds a case.
	pids=$(grep -lzxF "JSP_HOSTILE_TAG=$1" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3)
	for p in $pids; do
		[ "$p" = $$ ] || [ "$p" = "$BASHPID" ] && continue
		kill -CONT "$p" 2>/dev/null || true
		kill -KILL "$p" 2>/dev/null && n=$((n + 1))
	done
	echo "$n"
}

# case_make TAG [ARGS...]: $MAKE -j8 with JSP_HOSTILE_TAG=TAG, bounded by HOSTILE_TIMEOUT,
# output in $output; then its strays are killed and counted in STRAYS (unless KEEP_STRAYS
# is set: the caller kills them). With NETNS=1 make
# runs in a network namespace of its own (unshare --net): see netns_note.
case_make() {
	local tag=$1 t0=${EPOCHREALTIME/./}
	shift
	run timeout -k 2 "$HOSTILE_TIMEOUT" env JSP_HOSTILE_TAG="$tag" \
		${NETNS:+unshare --net --} "$MAKE" -C "$BATS_TEST_TMPDIR" --no-print-directory -j8 "$@"
	CASE_MS=$(((${EPOCHREALTIME/./} - t0) / 1000))
	[ -n "${KEEP_STRAYS:-}" ] || STRAYS=$(kill_strays "$tag")
}

# owner_case_make TAG [ARGS...]: case_make's make run as jsp-owner in $ODIR (owner_dir),
# with the copy of $MAKE that jsp-owner can run; the network namespace is made first.
owner_case_make() {
	local tag=$1 t0=${EPOCHREALTIME/./} m=$MAKE
	shift
	[ "$m" = "$MAKE44" ] && m=$PUB/make44
	run timeout -k 2 "$HOSTILE_TIMEOUT" env JSP_HOSTILE_TAG="$tag" ${NETNS:+unshare --net --} \
		setpriv --reuid="$OWNER_UID" --regid="$(id -g "$OWNER_USER")" --clear-groups \
		"$m" -C "$ODIR" --no-print-directory -j8 "$@"
	CASE_MS=$(((${EPOCHREALTIME/./} - t0) / 1000))
	STRAYS=$(kill_strays "$tag")
}

# netns_note: what a network namespace of its own still isolates. The rendezvous of
# today's main is an abstract socket, and abstract names are per network namespace: there
# the namespace is what makes the case's reaper the only one reachable. The spec's socket
# is a file in /tmp/jobserver-preload-UID/, which a network namespace does not isolate;
# what the namespace still isolates then is /proc/net/unix (it lists the sockets of the
# reader's namespace only: an attacker here floods this case's reaper, never another
# build's on this machine) and the abstract names an attacker may still squat.

# count_rules PREREQS: the rule "count", the Makefiles' last: after PREREQS, faults.bash's
# COUNT waits for the pool of -j8 to be whole (a reaper may give back a moment after make
# saw a kill), then the line for assert_pool_whole.
count_rules() {
	printf 'count: %s\n\t+@$(COUNT); echo "count: pool=$$c waited=$$n"\n' "$1"
	printf '\t+@echo pool=$$($(TOKENS) count)\n'
}

# check_case LABEL WANT_STATUS: the case's make ended (not killed by the bound), exited 0,
# printed no INTERNAL line, counted the pool whole (pool=7 after -j8), and the wrapped
# command's status line ("status=N") says WANT_STATUS (unless it is empty: the caller
# checks the statuses). Prints the reasons and returns 1 otherwise.
check_case() {
	local label=$1 want=$2 got why=
	got=$(sed -n 's/^status=//p' <<<"$output" | head -1)
	if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
		why="make hung (killed after ${HOSTILE_TIMEOUT}s)"
	elif [ "$status" -ne 0 ]; then
		why="make exited $status"
	elif grep -q 'INTERNAL: Exiting with' <<<"$output"; then
		why=$(grep -m1 'INTERNAL' <<<"$output")
	elif ! grep -qx 'pool=7' <<<"$output"; then
		why="pool not whole: $(grep -m1 '^count' <<<"$output")"
	elif [ -n "$want" ] && [ "$got" != "$want" ]; then
		why="the command's status was ${got:-missing}, not $want"
	fi
	[ -z "$why" ] && return 0
	echo "$label: $why" >&2
	return 1
}

# Two users, created for a suite (setup_file) and deleted after it (teardown_file); CI
# runs as root. jsp-hostile is the other user, the attacker. jsp-owner runs the builds that
# must not be root's: a rendezvous directory that no other build on this machine uses (the
# squat cases plant one), and pipes that pipe-user-pages-soft limits (root is exempt). What
# they run must be readable by them: the build tree and make 4.4.1 (under /root) are
# copied to $PUB, a directory of mode 755: jobserver-preload, the library, tokens, victim,
# hostile-peer and $PUB/make44.
HOSTILE_USER=jsp-hostile OWNER_USER=jsp-owner
need_root() {
	need_tool useradd userdel setpriv unshare
	[ "$(id -u)" = 0 ] && return 0
	[ "${CI:-}" = true ] && { echo "these cases need root (CI runs as root)" >&2; return 1; }
	skip "these cases need root"
}

users_create() {
	local u
	for u in "$HOSTILE_USER" "$OWNER_USER"; do # kept if there: a run killed early
		id -u "$u" >/dev/null 2>&1 || useradd -M -N -d / -s /bin/sh "$u"
	done
	HOSTILE_UID=$(id -u "$HOSTILE_USER") OWNER_UID=$(id -u "$OWNER_USER")
	PUB=$(mktemp -d /tmp/jsp-hostile-pub.XXXXXX)
	chmod 755 "$PUB"
	cp "$JSP" "$LIB" "$TOKENS" "$TOOLS/victim" "$HTOOLS/hostile-peer" "$PUB/"
	[ ! -x "$MAKE44" ] || cp "$MAKE44" "$PUB/make44"
	chmod -R a+rX "$PUB"
	export HOSTILE_UID OWNER_UID PUB
}

# users_delete: the users, their copies, and the rendezvous directories made for them.
users_delete() {
	local u
	[ -z "${PUB:-}" ] || rm -rf "$PUB"
	for u in "$HOSTILE_USER" "$OWNER_USER"; do
		id -u "$u" >/dev/null 2>&1 || continue
		rm -rf "/tmp/jobserver-preload-$(id -u "$u")"
		userdel "$u"
	done
	return 0
}

# as_user NAME CMD...: runs CMD as NAME, with no supplementary group.
as_user() {
	local u=$1
	shift
	setpriv --reuid="$(id -u "$u")" --regid="$(id -g "$u")" --clear-groups -- "$@"
}

# owner_dir: $BATS_TEST_TMPDIR's stand-in for builds run as jsp-owner (bats' own is not
# reachable by it): a directory in $PUB that it owns. Sets ODIR; the Makefile goes there.
owner_dir() {
	ODIR=$PUB/t$BATS_TEST_NUMBER
	rm -rf "$ODIR"
	mkdir -m 755 "$ODIR"
	chown "$OWNER_USER" "$ODIR"
}

# owner_make MAKE: the copy of that make jsp-owner can run (43 or 44).
owner_make() {
	case $1 in 43) echo "$MAKE43" ;; 44) echo "$PUB/make44" ;; esac
}

# peer_dir: a directory for what an attack and the build say to each other, that
# jsp-hostile can write and read when there is one (bats' own directories are not open to
# other users). Sets PDIR.
peer_dir() {
	PDIR=${PUB:-$BATS_TEST_TMPDIR}/p$BATS_TEST_NUMBER
	rm -rf "$PDIR"
	mkdir -m 777 "$PDIR"
}

# attack_make TAG USER CMD...: in a network namespace of its own, starts CMD (the attack)
# as USER ("-": as we are), runs make -j8 as root, and stops the attack ($PDIR/done) only
# after make has ended: it lasts as long as the build. Bounded as case_make is; the
# attack's output follows make's.
attack_make() {
	local tag=$1 user=$2 as=
	shift 2
	[ "$user" = - ] || as="setpriv --reuid=$(id -u "$user") --regid=$(id -g "$user") --clear-groups"
	cat >"$BATS_TEST_TMPDIR/driver" <<EOF
$as $(printf '%q ' "$@") > "$PDIR/attack.out" & a=\$!
timeout -k 2 $((HOSTILE_TIMEOUT - 3)) "$MAKE" -C "$BATS_TEST_TMPDIR" --no-print-directory -j8; s=\$?
touch "$PDIR/done"; wait \$a; cat "$PDIR/attack.out"; exit \$s
EOF
	CASE_MS=${EPOCHREALTIME/./}
	run timeout -k 2 "$HOSTILE_TIMEOUT" env JSP_HOSTILE_TAG="$tag" unshare --net -- \
		bash "$BATS_TEST_TMPDIR/driver"
	CASE_MS=$(((${EPOCHREALTIME/./} - CASE_MS) / 1000))
	STRAYS=$(kill_strays "$tag")
}

# The victims of the flood and how each ends, with the status it must end with.
ENDINGS=(kill9:137 exit:0 segv:139 _exit:0 term:143 return:0)

# flood_makefile: a holder claims one token (its reaper starts); once the flood (started
# before make, ended after it: attack_make) is in place, two chains of six wrapped victims
# run side by side and end every way; then the pool is counted.
flood_makefile() {
	local c i e prev
	{
		make_vars
		printf 'P = %s\n' "$PDIR"
		cat <<'EOF'
all: count
holder:
	-+@JOBSERVER_PRELOAD_MAX=2 $(JSP) sh -c 'until [ -e $(P)/finished ]; do sleep 0.01; done'
EOF
		for c in a b; do
			prev=
			for ((i = 1; i <= ${#ENDINGS[@]}; i++)); do
				e=${ENDINGS[i - 1]}
				printf '%s%d: %s\n\t-+@until [ -e $(P)/ready ]; do sleep 0.001; done; ' "$c" "$i" "$prev"
				printf '$(JSP) $(VICTIM) %s 0 5; echo "%s%d st=$$? want=%s"\n' "${e%:*}" "$c" "$i" "${e#*:}"
				prev=$c$i
			done
		done
		printf 'finish: a%d b%d\n\t@touch $(P)/finished\n' "${#ENDINGS[@]}" "${#ENDINGS[@]}"
		count_rules "finish holder"
	} | write_makefile
}

# assert_statuses: every victim's line says the status it wanted.
assert_statuses() {
	local bad
	bad=$(grep -E '^[ab][0-9]+ st=' <<<"$output" | awk '{ split($2, s, "="); split($3, w, "=");
		if (s[2] != w[2]) print }')
	[ -z "$bad" ] || { echo "a command's status was not its own: $bad" >&2; return 1; }
	[ "$(grep -cE '^[ab][0-9]+ st=' <<<"$output")" -eq $((2 * ${#ENDINGS[@]})) ] ||
		{ echo "not every victim ran: $output" >&2; return 1; }
}

# flood MAKE USER MODE N: USER attacks with hostile-peer MODE -n N for as long as the build
# runs; make must end, the pool be whole and every victim's status its own.
flood() {
	need_make "$1"
	peer_dir
	flood_makefile
	attack_make "$(case_tag "$3")" "$2" "${PUB:-$HTOOLS}/hostile-peer" "$3" -n "$4" -t 30000 \
		-s "$PDIR/done" -r "$PDIR/ready"
	echo "$output"
	grep -q "^hostile-peer $3: [1-9][0-9]* sockets" <<<"$output" ||
		{ echo "the attack found no reaper socket to aim at" >&2; false; }
	[ "$status" -eq 0 ] || { echo "make exited $status (124: it hung)" >&2; false; }
	assert_pool_whole 8
	assert_statuses
	echo "# $1: $(grep -m1 '^hostile-peer' <<<"$output"); $(grep -c '^PARALLELISM=[2-8] ' <<<"$output")" \
		"victims claimed, make took $CASE_MS ms" >&3
}

# reapers_script: $BATS_TEST_TMPDIR/reapers, a script that prints the pid of every reaper
# (comm jsp-reaper) of the running case (its JSP_HOSTILE_TAG), for recipes to stop them.
reapers_script() {
	cat >"$BATS_TEST_TMPDIR/reapers" <<'EOF'
for p in $(grep -lzxF "JSP_HOSTILE_TAG=$JSP_HOSTILE_TAG" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3); do
	[ "$(cat "/proc/$p/comm" 2>/dev/null)" != jsp-reaper ] || echo "$p"
done
EOF
}
