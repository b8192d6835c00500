#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# --trace, --report, --svg and --status, under real make 4.3 and 4.4.1. The leaker is
# tests/tools/tokens (`take 2`: reads two tokens and exits without writing them back);
# make's own "INTERNAL: Exiting with" line is the independent proof that it leaked.

load helpers

setup() {
	T=$BATS_TEST_TMPDIR/t.log
}

# A leaking client beside three sub-makes that each run jobs in parallel.
write_leaky_build() {
	write_makefile <<EOF
all: leak sub1 sub2 sub3
leak:
	+@sh -c 'echo leaker=\$\$\$\$; exec $TOKENS take 2'
sub1 sub2 sub3:
	+@\$(MAKE) -f sub.mk --no-print-directory
EOF
	printf 'all: x1 x2 x3 x4\nx1 x2 x3 x4: ; @sleep 0.1\n' > "$BATS_TEST_TMPDIR/sub.mk"
}

# The lines of the report's LEAK section that name a process.
leak_lines() {
	sed -n '/^LEAK:/,/^$/p' <<<"$output" | grep '^  pid ' || true
}

check_leak_found() {
	local pid
	write_leaky_build
	traced_make -j6
	[ "$status" -eq 0 ]
	grep -q 'INTERNAL: Exiting with' <<<"$output" # make itself saw the leak
	pid=$(sed -n 's/^leaker=//p' <<<"$output")
	[ -n "$pid" ]
	run "$JSP" --report "$T"
	echo "$output"
	[ "$status" -eq 1 ]
	# The leaker, by the pid it printed itself, its command line and its 2 tokens...
	grep -Eq "^  pid $pid held 2 tokens when it exited: .*/tokens take 2\$" <<<"$output"
	# ...and nothing else: not make, not a sub-make.
	[ "$(leak_lines | wc -l)" -eq 1 ]
	# make is the server, not a leaker.
	grep -Eq '^  server: pid [0-9]+ \(.*make.* -j6\) made 5 tokens$' <<<"$output"
}

@test "trace: a leaking client is named, with its pid, command and 2 tokens (make 4.3)" {
	need_make 43
	check_leak_found
}

@test "trace: a leaking client is named, with its pid, command and 2 tokens (make 4.4.1)" {
	need_make 44
	check_leak_found
}

check_balanced() {
	local i targets=
	for i in $(seq 1 20); do targets="$targets r$i"; done
	write_makefile <<EOF
all: $targets
	@+$TOKENS count | sed 's/^/pool=/'
$targets:
	+@\$(MAKE) -f sub.mk --no-print-directory
EOF
	printf 'all: x1 x2 x3\nx1 x2 x3: ; @sleep 0.02\n' > "$BATS_TEST_TMPDIR/sub.mk"
	traced_make -j6
	[ "$status" -eq 0 ]
	assert_pool_whole 6
	run "$JSP" --report "$T"
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx 'result: balanced' <<<"$output"
	# The trace did see tokens move through sub-makes and the server: a balance of
	# nothing would prove nothing.
	grep -Eq '^ +[0-9]+ +[1-9][0-9]* +[1-9][0-9]* +0  .*make -f sub.mk' <<<"$output"
	grep -Eq '^ +[0-9]+ +[1-9][0-9]* +[1-9][0-9]* +0  \[server\] .*make' <<<"$output"
}

@test "trace: a balanced build of 20 recipes with sub-makes reports balanced (make 4.3)" {
	need_make 43
	check_balanced
}

@test "trace: a balanced build of 20 recipes with sub-makes reports balanced (make 4.4.1)" {
	need_make 44
	check_balanced
}

@test "trace: our own library's claim is in the trace, taken and given by its reaper" {
	need_make 43
	write_makefile <<EOF
all: ours
	@+$TOKENS count | sed 's/^/pool=/'
ours:
	+@$JSP sh -c 'echo P=\$\$PARALLELISM; sleep 0.2'
EOF
	traced_make -j6
	[ "$status" -eq 0 ]
	grep -qx 'P=6' <<<"$output"
	assert_pool_whole 6
	run "$JSP" --report "$T"
	echo "$output"
	[ "$status" -eq 0 ]
	grep -Eq '^ +[0-9]+ +5 +5 +0  \[reaper of [0-9]+\] ' <<<"$output"
}

@test "trace: the svg of a leaking build is well-formed, names the leaker, renders" {
	need_make 43
	need_tool xmllint chromium python3
	local pid svg=$BATS_TEST_TMPDIR/t.svg png=$BATS_TEST_TMPDIR/t.png prof
	write_leaky_build
	traced_make -j6
	pid=$(sed -n 's/^leaker=//p' <<<"$output")
	run "$JSP" --report "$T" --svg "$svg"
	[ "$status" -eq 1 ]
	env -u LD_PRELOAD xmllint --noout "$svg"
	grep -q "LEAK: pid $pid ended holding 2 tokens: .*/tokens take 2" "$svg"
	prof=$(mktemp -d)
	env -u LD_PRELOAD timeout 120 chromium --headless --no-sandbox --disable-gpu \
		--disable-quic --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync --user-data-dir="$prof" \
		--screenshot="$png" --window-size=1200,800 "file://$svg" 2>/dev/null || true
	rm -rf "$prof"
	file "$png" | grep -q 'PNG image data, 1200 x 800'
	assert_leak_drawn "$png"
}

@test "trace: --report exits 2 for a file it cannot read or parse" {
	run "$JSP" --report "$BATS_TEST_TMPDIR/nonexistent"
	[ "$status" -eq 2 ]
	grep -q 'cannot read trace' <<<"$output"
	echo 'hello world' > "$T"
	run "$JSP" --report "$T"
	[ "$status" -eq 2 ]
	grep -q 't.log:1 is not a trace record' <<<"$output"
}

@test "trace: --trace appends and never truncates the file" {
	need_make 43
	write_leaky_build
	traced_make -j6
	local before
	before=$(wc -l < "$T")
	[ "$before" -gt 0 ]
	traced_make -j6
	[ "$(wc -l < "$T")" -gt "$before" ]
	run "$JSP" --report "$T"
	[ "$status" -eq 1 ]
	[ "$(leak_lines | wc -l)" -eq 2 ] # one leaker per build
}

check_status() {
	write_makefile <<EOF
all:
	+@$JSP --status; echo status=\$\$?
EOF
	jsp_make -j5
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx 'free tokens: 4' <<<"$output"
	grep -qx 'usable: yes' <<<"$output"
	grep -qx 'status=0' <<<"$output"
}

@test "status: inside a make -j5 recipe, 4 free tokens (make 4.3)" {
	need_make 43
	check_status
	grep -q '^jobserver: pipe fds' <<<"$output"
}

@test "status: inside a make -j5 recipe, 4 free tokens (make 4.4.1)" {
	need_make 44
	check_status
	grep -q '^jobserver: fifo ' <<<"$output"
}

@test "status: outside make it exits 1 with a one-line reason" {
	run env -u MAKEFLAGS "$JSP" --status
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	grep -q 'no jobserver in MAKEFLAGS: not run by make' <<<"$output"
}

@test "status: make 4.3 recipe without '+': not usable, and says why" {
	need_make 43
	write_makefile <<EOF
all:
	@$JSP --status 3</dev/null; echo status=\$\$?
EOF
	jsp_make -j5
	echo "$output"
	grep -qx 'status=1' <<<"$output"
	grep -q "prefix the line with '+'" <<<"$output"
}

@test "trace: a client killed while holding a token is named, without an exit record" {
	need_make 43
	need_tool python3
	write_makefile <<'EOF2'
all:
	+@python3 -c 'import os, re, time; m = re.search(r"jobserver-auth=(\d+),", os.environ["MAKEFLAGS"]); os.read(int(m.group(1)), 1); open("held", "w").close(); time.sleep(30)' & echo holder=$$!; i=0; while [ ! -e held ] && [ $$i -lt 400 ]; do sleep 0.05; i=$$((i + 1)); done; kill -9 $$!
EOF2
	traced_make -j3
	echo "$output"
	grep -q 'INTERNAL: Exiting with' <<<"$output"
	pid=$(sed -n 's/^holder=//p' <<<"$output")
	run "$JSP" --report "$T"
	echo "$output"
	[ "$status" -eq 1 ]
	grep -Eq "^  pid $pid held 1 token at its last record \(no exit record" <<<"$output"
	[ "$(leak_lines | wc -l)" -eq 1 ]
}

# A wrapped sub-make under make -j8, handed make's jobserver behind the wrapper's back
# (tests/fixtures/bypass; else it shares the wrapper's tokens: pool.bats): the wrapper
# claims the 7 free tokens, so the sub-make finds the jobserver empty for each job beyond
# its first, and waits (pselect) each time.
check_waits_recorded() {
	local pid
	write_makefile <<EOF2
all:
	+@$BATS_TEST_DIRNAME/../fixtures/bypass sh -c 'echo sub=\$\$\$\$; exec $JSP env MAKEFLAGS="\$\$BYPASS_MAKEFLAGS" \$(MAKE) -f sub.mk --no-print-directory'
EOF2
	printf 'all: x1 x2 x3 x4\nx1 x2 x3 x4: ; @sleep 0.2\n' > "$BATS_TEST_TMPDIR/sub.mk"
	traced_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	pid=$(sed -n 's/^sub=//p' <<<"$output")
	[ -n "$pid" ]
	grep " pid=$pid .* ev=wait " "$T"
	# Three jobs waited for the one before them: about 0.6 s in all, in microseconds.
	run awk -v p="pid=$pid" '$3 == p && $5 == "ev=wait" && $9 == "src=mf" { sub("n=", "", $7); s += $7 } END { print s + 0 }' "$T"
	echo "waited $output us"
	[ "$output" -ge 300000 ]
	# Not a wait: the trace's other processes (the top make) found their tokens.
	if grep -v " pid=$pid " "$T" | grep -q ' ev=wait '; then
		echo "a process other than pid $pid waited" >&2
		false
	fi
}

@test "trace: a sub-make that finds the jobserver empty writes wait records (make 4.3)" {
	need_make 43
	check_waits_recorded
}

@test "trace: a sub-make that finds the jobserver empty writes wait records (make 4.4.1)" {
	need_make 44
	check_waits_recorded
}
