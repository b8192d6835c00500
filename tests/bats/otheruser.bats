#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 14: another user must not be able to hang a build, take its tokens or its
# reaper's name. The other user (jsp-hostile, made for this suite) floods every reaper
# socket it can see, or squats the rendezvous before the owner's first claim. Each case
# runs in a network namespace of its own (hostile.bash, netns_note: on today's main it is
# what keeps the attack on this case's reaper; with the socket a file, it is what keeps
# /proc/net/unix, where the attacker looks, to this case's sockets).

load helpers
load faults
load hostile

setup_file() {
	need_root || return 0
	users_create
}
teardown_file() {
	users_delete
}
setup() {
	need_root
	need_tool "$HTOOLS/hostile-peer"
	VICTIM=$TOOLS/victim
	NETNS=1
}

# A flood that no longer reaches the reaper leaves the claims alone: some victim claims.
other_flood() {
	flood "$1" "$HOSTILE_USER" flood 80
	grep -q '^PARALLELISM=[2-8] ' <<<"$output" || { echo "no victim claimed a token" >&2; false; }
}

@test "make 4.3: another user's flood of every reaper socket hangs nothing, loses nothing" {
	other_flood 43
}
@test "make 4.4.1: another user's flood of every reaper socket hangs nothing, loses nothing" {
	other_flood 44
}
# squat_makefile: run as jsp-owner. The first recipe says which jobserver it is (for the
# abstract name of protocol version 1: the driver squats it before anyone claims), then
# waits for the squat; the second claims three times, verbose, and times each claim;
# then the pool is counted. Every wrapped command is sh -c 'exit 3'.
squat_makefile() {
	{
		make_vars
		printf 'SHELL = /bin/bash\n'
		cat <<'EOF'
all: count
name:
	+@js=$$(sed -n 's/.*--jobserver-auth=fifo:\([^ ]*\).*/\1/p' <<<"$$MAKEFLAGS"); \
	[ -n "$$js" ] || js=/proc/self/fd/$$(sed -n 's/.*--jobserver-auth=\([0-9]*\),.*/\1/p' <<<"$$MAKEFLAGS"); \
	read -r maj min ino < <(stat -L -c '%Hd %Ld %i' "$$js"); \
	printf '@jobserver-preload-1/%x/%x:%x\n' $$(id -u) $$((maj << 32 | min)) $$ino > name.tmp; \
	mv name.tmp name; until [ -e squatted ]; do sleep 0.001; done
claim: name
	-+@for i in 1 2 3; do t0=$${EPOCHREALTIME/./}; $(JSP) -v sh -c 'echo par=$$PARALLELISM; exit 3'; \
		echo "status=$$? ms=$$(( ($${EPOCHREALTIME/./} - t0) / 1000 ))"; done
EOF
		count_rules claim
	} >"$ODIR/Makefile"
}

# squat MAKE HOW: plants the rendezvous of jsp-owner as HOW says, squats the abstract name
# of version 1 too (as jsp-hostile, in the case's network namespace), and runs the build.
squat() {
	local dir=/tmp/jobserver-preload-$OWNER_UID how=$2 tag
	need_make "$1"
	owner_dir
	squat_makefile
	rm -rf "$dir"
	case $how in
	theirs) as_user "$HOSTILE_USER" mkdir -m 700 "$dir" ;;
	theirs-0777) as_user "$HOSTILE_USER" mkdir -m 777 "$dir" ;;
	ours-0777) mkdir -m 777 "$dir" && chown "$OWNER_USER" "$dir" && chmod 777 "$dir" ;;
	symlink) mkdir -m 700 "$ODIR/real" && chown "$OWNER_USER" "$ODIR/real" &&
		as_user "$HOSTILE_USER" ln -s "$ODIR/real" "$dir" ;;
	file) as_user "$HOSTILE_USER" touch "$dir" ;;
	abstract) ;;
	esac
	tag=$(case_tag "squat-$how")
	cat >"$ODIR/driver" <<EOF
cd "$ODIR"
setpriv --reuid=$OWNER_UID --regid=$(id -g "$OWNER_USER") --clear-groups \\
	$(owner_make "$1") -j8 --no-print-directory -f "$ODIR/Makefile" & m=\$!
until [ -s name ] || ! kill -0 \$m 2>/dev/null; do sleep 0.001; done
setpriv --reuid=$HOSTILE_UID --regid=$(id -g "$HOSTILE_USER") --clear-groups \\
	$PUB/hostile-peer squat -t 20000 -s "$ODIR/done" "\$(cat name)" > squat.out &
until [ -s squat.out ]; do sleep 0.001; done
cat squat.out; touch squatted; wait \$m; s=\$?; touch done; exit \$s
EOF
	run timeout -k 2 "$HOSTILE_TIMEOUT" env JSP_HOSTILE_TAG="$tag" unshare --net -- bash "$ODIR/driver"
	kill_strays "$tag" >/dev/null
	echo "$output"
	assert_squat "$how" "$dir"
}

# assert_squat HOW DIR: make ended, the pool is whole, every command ran with its status;
# for a planted directory every claim failed at once and the message named the directory
# and what is wrong with it; for the abstract name alone the claims either worked or
# failed at once. "At once": the fastest of three claims took under 100 ms (a claim that
# waits for a name it cannot have waits 200 ms).
assert_squat() {
	local how=$1 dir=$2 fast claimed
	[ "$status" -eq 0 ] || { echo "make exited $status (124: it hung)" >&2; return 1; }
	grep -q '^hostile-peer: squatting @' <<<"$output" || { echo "nothing squatted" >&2; return 1; }
	assert_pool_whole 8
	[ "$(grep -c '^status=3 ' <<<"$output")" -eq 3 ] || { echo "a status was not 3" >&2; return 1; }
	fast=$(sed -n 's/^status=3 ms=//p' <<<"$output" | sort -n | head -1)
	claimed=$(grep -c '^par=[2-8]$' <<<"$output" || true)
	echo "# $how: $claimed of 3 claimed, the fastest took $fast ms" >&3
	if [ "$how" = abstract ] && [ "$claimed" -eq 3 ]; then
		return 0
	fi
	[ "$claimed" -eq 0 ] || { echo "a claim was made through a planted $dir" >&2; return 1; }
	[ "$fast" -lt 100 ] || { echo "the claim failed, but only after $fast ms" >&2; return 1; }
	[ "$how" = abstract ] && return 0
	grep -F "$dir" <<<"$output" | grep -v '^hostile' | head -1 | grep -q . ||
		{ echo "no message names $dir" >&2; return 1; }
	case $how in
	theirs*|file|symlink)
		grep -F "$dir" <<<"$output" | grep -qE "$HOSTILE_UID|$HOSTILE_USER" ||
			{ echo "the message does not name the owner of $dir ($HOSTILE_UID)" >&2; return 1; } ;;
	ours-0777)
		grep -F "$dir" <<<"$output" | grep -q '777' ||
			{ echo "the message does not name the mode of $dir" >&2; return 1; } ;;
	esac
}

@test "make 4.3: the abstract name squatted by another user: claims work or fail at once" {
	squat 43 abstract
}
@test "make 4.4.1: the abstract name squatted by another user: claims work or fail at once" {
	squat 44 abstract
}
@test "make 4.3: the rendezvous made first by another user: no claim, at once, says whose" {
	squat 43 theirs
}
@test "make 4.4.1: the rendezvous made first by another user: no claim, at once, says whose" {
	squat 44 theirs
}
@test "make 4.4.1: the rendezvous made by another user with mode 0777: no claim, says whose" {
	squat 44 theirs-0777
}
@test "make 4.3: our own rendezvous with mode 0777: no claim, at once, says the mode" {
	squat 43 ours-0777
}
@test "make 4.4.1: the rendezvous a symlink of another user's: no claim, at once" {
	squat 44 symlink
}
@test "make 4.3: the rendezvous a file of another user's: no claim, at once" {
	squat 43 file
}
