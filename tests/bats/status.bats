#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 18: --status, --watch and --status --json name every owner the reaper holds
# tokens for, under real make 4.3 and 4.4.1, while three wrapped commands hold 2, 3 and 1
# tokens for real; the reaper answers without waiting for anyone who asks. The pids are
# the ones the owners wrote themselves, the counts their own PARALLELISM, and the pool is
# counted by a real drain at the end.

load helpers
load status

# The build: s1, s2 and s3 hold 2, 3 and 1 tokens (--max 3, 4, 2) of make -j12 (11
# tokens: 3 go to the jobs beside the first, 6 to the owners, 2 stay free); "look" waits
# until the reaper knows all three, asks as the test says, then lets them end.
three_owners_makefile() {
	{
		status_vars
		cat <<'EOF2'
all: count
s1: ; +@$(HOLD) s1 3
s2: ; +@$(HOLD) s2 4
s3: ; +@$(HOLD) s3 2
count: s1 s2 s3 look
	+@echo pool=$$($(TOKENS) count)
EOF2
		printf 'look:\n\t+@$(call WAIT_OWNERS,3); %s; touch done\n' "$1"
	} >"$BATS_TEST_TMPDIR/Makefile"
}

# The text and the JSON, in the recipe and from "another shell" (--jobserver, without
# MAKEFLAGS), name the three owners with the pids they wrote and the tokens they hold.
status_three() {
	local d=$BATS_TEST_TMPDIR n pid want par
	need_make "$1"
	three_owners_makefile '$(JSP) --status > status.txt; $(JSP) --status --json > status.json; env -u MAKEFLAGS $(JSP) --status --jobserver $(JOBSERVER) > outside.txt'
	jsp_make -j12
	echo "$output"
	[ "$status" -eq 0 ]
	assert_pool_whole 12
	cat "$d/status.txt"
	grep -qx 'free tokens: 2' "$d/status.txt"
	grep -q '^reaper: pid [0-9]* holds 6 tokens for 3 owners$' "$d/status.txt"
	[ "$(grep -c '^owner:' "$d/status.txt")" -eq 3 ]
	for n in 1:2 2:3 3:1; do
		pid=$(cat "$d/s${n%:*}.pid") want=${n#*:} par=$(cat "$d/s${n%:*}.par")
		[ "$par" -eq $((want + 1)) ] # the owner's own count says what it holds
		owner_line "$d/status.txt" "$pid" | grep -q " tokens=$want held=[0-9.]*s pool=0/$want command=sh -c .*s${n%:*}\$"
		owner_line "$d/outside.txt" "$pid" | grep -q " tokens=$want "
	done
	grep -q '^jobserver: .*(--jobserver=fifo:' "$d/outside.txt"
	grep -qx 'free tokens: 2' "$d/outside.txt"
	run env -u LD_PRELOAD python3 "$BATS_TEST_DIRNAME/../tools/jsonq.py" "$d/status.json" \
		'd["free"], d["held"], d["usable"], d["reaper"]["pid"] > 0' \
		'" ".join("%d:%d:%d/%d" % (o["pid"], o["tokens"], o["pool"]["busy"], o["pool"]["slots"]) for o in sorted(d["owners"], key=lambda o: o["tokens"]))' \
		'all(o["argv"][:2] == ["sh", "-c"] and o["held_seconds"] > 0 for o in d["owners"])'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "(2, 6, True, True)" ]
	[ "${lines[1]}" = "$(cat "$d/s3.pid"):1:0/1 $(cat "$d/s1.pid"):2:0/2 $(cat "$d/s2.pid"):3:0/3" ]
	[ "${lines[2]}" = True ]
}

@test "make 4.3: --status and --status --json name three owners holding 2, 3 and 1 tokens" {
	status_three 43
}
@test "make 4.4.1: --status and --status --json name three owners holding 2, 3 and 1 tokens" {
	status_three 44
}

# --watch with stdout a file: plain snapshots, a blank line between two, once a second,
# until SIGINT or SIGTERM, which end it at once with status 0; with --json, one object a
# second.
watch_three() {
	local d=$BATS_TEST_TMPDIR sig pid
	need_make "$1"
	three_owners_makefile 'for sig in INT TERM; do $(JSP) --status --watch > watch.$$sig & w=$$!; sleep 2.3; t0=$${EPOCHREALTIME/./}; kill -$$sig $$w; wait $$w; echo "status=$$? ms=$$(( ($${EPOCHREALTIME/./} - t0) / 1000 ))" > watch.$$sig.end; done; $(JSP) --status --watch --json > watch.json & w=$$!; sleep 1.3; kill $$w; wait $$w'
	jsp_make -j12
	echo "$output"
	[ "$status" -eq 0 ]
	assert_pool_whole 12
	pid=$(cat "$d/s2.pid")
	for sig in INT TERM; do
		cat "$d/watch.$sig" "$d/watch.$sig.end"
		grep -q '^status=0 ms=[0-9]*$' "$d/watch.$sig.end"
		[ "$(sed 's/.*ms=//' "$d/watch.$sig.end")" -lt 1000 ]
		[ "$(grep -c '^jobserver:' "$d/watch.$sig")" -eq 1 ]
		[ "$(grep -c '^free tokens: 2$' "$d/watch.$sig")" -ge 2 ]
		[ "$(grep -c '^$' "$d/watch.$sig")" -eq "$(($(grep -c '^free tokens:' "$d/watch.$sig") - 1))" ]
		[ "$(grep -c '^owner:' "$d/watch.$sig")" -eq $((3 * $(grep -c '^free tokens:' "$d/watch.$sig"))) ]
		# Refreshed: the held time of one owner grows from one snapshot to the next.
		owner_line "$d/watch.$sig" "$pid" | sed 's/.* held=\([0-9.]*\)s .*/\1/' |
			awk 'NR > 1 && $1 <= prev { exit 1 } { prev = $1 } END { exit NR < 2 }'
	done
	# --json: one object a second, each whole (read one after the other by python3's json).
	run env -u LD_PRELOAD python3 -c '
import json, sys
s, i, d = open(sys.argv[1]).read(), 0, json.JSONDecoder()
while i < len(s):
    o, i = d.raw_decode(s, i)
    while i < len(s) and s[i].isspace():
        i += 1
    print(o["free"], o["held"], sorted(x["tokens"] for x in o["owners"]))' "$d/watch.json"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -ge 2 ]
	for l in "${lines[@]}"; do [ "$l" = "2 6 [1, 2, 3]" ]; done
}

@test "make 4.3: --watch prints refreshed plain lines (or JSON) and stops on SIGINT and SIGTERM" {
	watch_three 43
}
@test "make 4.4.1: --watch prints refreshed plain lines (or JSON) and stops on SIGINT and SIGTERM" {
	watch_three 44
}

# Nothing claimed: no reaper, which --status says, with the free count still there.
no_reaper() {
	need_make "$1"
	pool_makefile <<'EOF'
		+@$(JSP) --status; $(JSP) --status --json > s.json
EOF
	jsp_make -j4
	echo "$output"
	[ "$status" -eq 0 ]
	assert_pool_whole 4
	grep -qx 'free tokens: 3' <<<"$output"
	grep -qx 'reaper: none: nothing is claimed from this jobserver now' <<<"$output"
	run env -u LD_PRELOAD python3 "$BATS_TEST_DIRNAME/../tools/jsonq.py" "$BATS_TEST_TMPDIR/s.json" \
		'd["free"], d["held"], d["reaper"], d["owners"]'
	[ "$output" = "(3, 0, None, [])" ]
}

@test "make 4.3: with nothing claimed --status says there is no reaper and counts the free tokens" {
	no_reaper 43
}
@test "make 4.4.1: with nothing claimed --status says there is no reaper and counts the free tokens" {
	no_reaper 44
}

# A peer of our own user that asks 200 times and never reads (status-peer noread) while a
# holder keeps the reaper up: twenty claims after it are all served at once, and the
# reaper did answer the peer (replies wait unread in its sockets).
noread_case() {
	local d=$BATS_TEST_TMPDIR
	need_make "$1"
	need_tool "$TOOLS/status-peer"
	{
		status_vars
		printf 'PEER = %s\n' "$TOOLS/status-peer"
		cat <<'EOF2'
all: count
h: ; +@$(HOLD) h 2
peer:
	+@$(call WAIT_OWNERS,1); r=$$($(JSP) --status | sed -n 's/^reaper: pid \([0-9]*\) .*/\1/p'); \
	echo $$r > reaper.pid; $(PEER) noread 200 "$$(reaper_socket $$r)" done > noread.out & \
	until [ -s noread.out ]; do sleep 0.01; done
claims: peer
	+@t0=$${EPOCHREALTIME/./}; for i in $$(seq 20); do $(JSP) sh -c 'echo par=$$PARALLELISM'; done; \
	echo "claims ms=$$(( ($${EPOCHREALTIME/./} - t0) / 1000 ))"; \
	$(JSP) --status | grep -c '^owner:' | sed 's/^/owners=/'; touch done
count: h claims
	+@echo pool=$$($(TOKENS) count)
EOF2
	} >"$d/Makefile"
	export -f reaper_socket
	jsp_make -j8
	echo "$output"
	cat "$d/noread.out"
	[ "$status" -eq 0 ]
	assert_pool_whole 8
	grep -qx 'noread: 200 asked' "$d/noread.out"
	grep -q '^noread: [1-9][0-9]* answers unread$' "$d/noread.out"
	[ "$(grep -c '^par=[2-6]$' <<<"$output")" -eq 20 ] # every claim was served
	grep -qx 'owners=1' <<<"$output" # and --status still answers
}

@test "make 4.3: a reaper serving the STATUS of a peer that never reads still serves claims" {
	noread_case 43
}
@test "make 4.4.1: a reaper serving the STATUS of a peer that never reads still serves claims" {
	noread_case 44
}
