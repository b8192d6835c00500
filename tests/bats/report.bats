#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# --report's JSON, its SVG for command lines of any bytes, and its warning for a wrapped
# command that starves its own jobserver-aware tree: real traced builds under real make.
# The JSON is read by python3's json module (tests/tools/jsonq.py), the SVG by xmllint
# and rsvg-convert; make's own "INTERNAL: Exiting with" line and a drained pool are the
# independent proof of what the trace says.

load helpers

setup() {
	T=$BATS_TEST_TMPDIR/t.log
	J=$BATS_TEST_TMPDIR/t.json
	ODD=
	export T
}

teardown() {
	if [ -n "$ODD" ]; then rm -rf "$ODD"; fi
}

# make_odd_tmpdir: $ODD, a short directory whose name holds <&>"' and a byte that is not
# UTF-8, for make 4.4.1 to make its fifo in (short: the picture's label is cut at 44).
make_odd_tmpdir() {
	ODD=$(mktemp -d "/tmp/jsp<&>\"'$(printf '\xff')XXXXXX")
}

# json_report STATUS: the JSON report of $T in $J; the report must exit STATUS.
json_report() {
	local s=0
	"$JSP" --report "$T" --json > "$J" || s=$?
	[ "$s" -eq "$1" ]
}

jsonq() {
	env -u LD_PRELOAD python3 "$BATS_TEST_DIRNAME/../tools/jsonq.py" "$@"
}

# A leaker (`tokens take 2`) whose command line holds bytes that are not UTF-8, control
# bytes, every character XML escapes, and 10 kB of text, beside a sub-make.
write_odd_build() {
	cat > "$BATS_TEST_TMPDIR/odd.sh" <<'EOF'
echo leaker=$$
big=$(printf '\xe6\x97\xa5%.0s' $(seq 3400))
exec -a $'/odd/\xff\xfe<&>"\'\x01\x7f-tool' "$TOKENS" take 2 $'ctl:\x01\x02\x1b[31m\t' \
	"<&>\"'" "$big"
EOF
	write_makefile <<EOF
all: leak sub
leak:
	+@bash odd.sh
sub:
	+@\$(MAKE) -f sub.mk --no-print-directory
EOF
	printf 'all: x1 x2\nx1 x2: ; @sleep 0.1\n' > "$BATS_TEST_TMPDIR/sub.mk"
}

check_odd_json() {
	local pid
	write_odd_build
	traced_make -j6
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q 'INTERNAL: Exiting with' <<<"$output" # make itself saw the leak
	pid=$(sed -n 's/^leaker=//p' <<<"$output")
	[ -n "$pid" ]
	json_report 1
	run jsonq "$J" 'd["result"]' '[p["pid"] for p in d["leakers"]]' 'd["leakers"][0]["held"]' \
		'd["leakers"][0]["cmd"]'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = leak ]
	[ "${lines[1]}" = "[$pid]" ]
	[ "${lines[2]}" = 2 ]
	# What --trace recorded, exactly: /proc's bytes, controls made '?', cut at 160 bytes.
	run jsonq "$J" "bytes.fromhex(d['leakers'][0]['cmd_hex']) == trace($pid)" \
		"d['leakers'][0]['cmd'] == fffd(trace($pid))" \
		"'\\ufffd\\ufffd<&>\"\\'??-tool take 2 ctl:???[31m? <&>\"\\' \\u65e5' in d['leakers'][0]['cmd']"
	echo "$output"
	[ "$output" = $'True\nTrue\nTrue' ]
}

@test "report --json: a leaker with an odd command line is named, carried exactly (make 4.3)" {
	need_make 43
	need_tool python3
	check_odd_json
}

@test "report --json: the same under make 4.4.1, from a fifo whose path is not UTF-8" {
	need_make 44
	need_tool python3
	make_odd_tmpdir
	TMPDIR=$ODD check_odd_json
	run jsonq "$J" "d['leakers'][0]['jobserver']" \
		"bytes.fromhex(d['leakers'][0]['jobserver_hex']).startswith(b'fifo:')" \
		"b'<&>\"\\'\\xff' in bytes.fromhex(d['leakers'][0]['jobserver_hex'])" \
		"'<&>\"\\'\\ufffd' in d['leakers'][0]['jobserver']"
	echo "$output"
	[ "${lines[1]}" = True ]
	[ "${lines[2]}" = True ]
	[ "${lines[3]}" = True ]
}

@test "report --json: the figures are the text report's, and balance per process" {
	need_make 43
	need_tool python3
	write_odd_build
	traced_make -j6
	run "$JSP" --report "$T"
	local text=$output
	json_report 1
	run jsonq "$J" 'd["records"]' 'len(d["processes"])' 'd["taken"]' 'd["returned"]' \
		'all(p["held"] == p["taken"] - p["returned"] for p in d["processes"])' \
		'sum(p["taken"] for p in d["processes"]) == d["taken"]' \
		'[(j["server"]["cmd"].endswith(" -j6"), j["made"]) for j in d["jobservers"]]' \
		'd["leakers"][0]["pid"]'
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q "^  pid ${lines[7]} held 2 tokens when it exited" <<<"$text"
	grep -Eq "^trace .*: ${lines[0]} records, ${lines[1]} processes, 1 jobserver" <<<"$text"
	grep -Eq ": [0-9]+ processes, ${lines[2]} tokens taken, ${lines[3]} returned$" <<<"$text"
	[ "${lines[4]}" = True ]
	[ "${lines[5]}" = True ]
	[ "${lines[6]}" = "[(True, 5)]" ]
}

@test "report --json: a balanced build says so, with no leaker" {
	need_make 43
	need_tool python3
	write_makefile <<EOF
all: a b
a b:
	+@\$(MAKE) -f sub.mk --no-print-directory
EOF
	printf 'all: x1 x2 x3\nx1 x2 x3: ; @sleep 0.05\n' > "$BATS_TEST_TMPDIR/sub.mk"
	traced_make -j4
	[ "$status" -eq 0 ]
	json_report 0
	run jsonq "$J" 'd["result"]' 'd["leakers"]' 'd["starved"]' 'd["kept"]' \
		'any(p["taken"] > 0 and not p["server"] for p in d["processes"])'
	echo "$output"
	[ "$output" = $'balanced\n[]\n[]\n0\nTrue' ]
}

check_odd_svg() {
	local svg=$BATS_TEST_TMPDIR/t.svg png=$BATS_TEST_TMPDIR/t.png
	run "$JSP" --report "$T" --svg "$svg"
	[ "$status" -eq 1 ]
	run env -u LD_PRELOAD xmllint --noout "$svg"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run env -u LD_PRELOAD rsvg-convert -o "$png" "$svg"
	echo "$output"
	[ "$status" -eq 0 ]
	file "$png" | grep -q 'PNG image data, 1200 x'
	assert_leak_drawn "$png"
}

@test "svg: command lines not UTF-8, with controls, markup and 10 kB: valid XML, renders" {
	need_make 44
	need_tool xmllint rsvg-convert python3 file
	local pid
	make_odd_tmpdir
	write_odd_build
	TMPDIR=$ODD traced_make -j6
	pid=$(sed -n 's/^leaker=//p' <<<"$output")
	[ -n "$pid" ]
	check_odd_svg
	# The leaker is named under the timeline, its text escaped, never dropped.
	grep -q "LEAK: pid $pid ended holding 2 tokens: /odd/$(printf '\xef\xbf\xbd\xef\xbf\xbd')&lt;&amp;&gt;&quot;&apos;??-tool take 2" \
		"$BATS_TEST_TMPDIR/t.svg"
	# ...and so is the fifo's path in the free tokens' label.
	grep -q "free tokens of fifo:/tmp/jsp&lt;&amp;&gt;&quot;&apos;$(printf '\xef\xbf\xbd')" \
		"$BATS_TEST_TMPDIR/t.svg"
}

@test "svg and json: a trace whose command line holds every byte but NUL and newline" {
	need_tool xmllint rsvg-convert python3 file
	local bytes
	# Not what --trace writes (it makes controls '?'), but what a trace file may hold; the
	# high bytes first, where the picture's labels (cut at 35 and 120 characters) show them.
	bytes=$(env -u LD_PRELOAD python3 -c 'import sys; sys.stdout.buffer.write(bytes(b for b in range(255, 0, -1) if b != 10))')
	{
		printf 'JSPT1 t=100.000000 pid=7 ppid=1 ev=give js=9:9 n=2 held=-2 src=guess name=pipe:[9] up=1:init cmd=make -j3\n'
		printf 'JSPT1 t=100.500000 pid=8 ppid=7 ev=take js=9:9 n=2 held=2 src=mf name=pipe:[9] up=7:make,1:init cmd=%s\n' "$bytes"
		printf 'JSPT1 t=101.000000 pid=8 ppid=7 ev=exit js=9:9 n=0 held=2 src=mf name=pipe:[9] up=7:make,1:init cmd=%s\n' "$bytes"
	} > "$T"
	json_report 1
	run jsonq "$J" "bytes.fromhex(d['leakers'][0]['cmd_hex']) == trace(8)" \
		"d['leakers'][0]['cmd'] == fffd(trace(8))" "len(d['leakers'][0]['cmd'])"
	echo "$output"
	[ "$output" = $'True\nTrue\n254' ]
	check_odd_svg
}

# A make -j8 whose one recipe is a wrapped sub-make of 4 jobs handed make's jobserver
# behind the wrapper's back (tests/fixtures/bypass: else it shares the claimed tokens
# through the wrapper's private jobserver, pool.bats): the wrapper claims the 7 free
# tokens, and the sub-make finds none and runs its jobs one by one. $1 is the recipe's
# command between the owner's echo and the sub-make.
write_starving_build() {
	write_makefile <<EOF
BYPASS := $BATS_TEST_DIRNAME/../fixtures/bypass
all: wrapped
	@+$TOKENS count | sed 's/^/pool=/'
wrapped:
	+@$1
EOF
	printf 'all: x1 x2 x3 x4\nx1 x2 x3 x4: ; @sleep 0.2\n' > "$BATS_TEST_TMPDIR/sub.mk"
}

check_starved() {
	local owner
	write_starving_build "\$(BYPASS) sh -c 'echo owner=\$\$\$\$; exec \$(JSP) env MAKEFLAGS=\"\$\$BYPASS_MAKEFLAGS\" \$(MAKE) -f sub.mk --no-print-directory'"
	traced_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	assert_pool_whole 8 # tokens are conserved: this is no leak
	owner=$(sed -n 's/^owner=//p' <<<"$output")
	[ -n "$owner" ]
	run "$JSP" --report "$T"
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q '^WARNING: 1 wrapped command held claimed tokens while its own tree waited' <<<"$output"
	grep -Eq "^  pid $owner held 7 tokens of jobserver (pipe|fifo):.*: .*make -f sub.mk" <<<"$output"
	grep -Eq "^    while pid $owner \(itself\) waited [0-9]+ times?, [0-9.]+ s in all: .*make -f sub.mk" <<<"$output"
	grep -qx 'result: balanced, and a wrapped command starved its own tree (see WARNING above)' <<<"$output"
	json_report 0
	run jsonq "$J" 'd["result"]' '[(s["owner"]["pid"], s["waiter"]["pid"], s["held"]) for s in d["starved"]]' \
		'd["starved"][0]["waits"] >= 1 and d["starved"][0]["waited"] > 0.1'
	echo "$output"
	[ "$output" = "balanced"$'\n'"[($owner, $owner, 7)]"$'\nTrue' ]
}

@test "report: a wrapped sub-make starving under make -j8 is warned about (make 4.3)" {
	need_make 43
	need_tool python3
	check_starved
}

@test "report: a wrapped sub-make starving under make -j8 is warned about (make 4.4.1)" {
	need_make 44
	need_tool python3
	check_starved
}

@test "report: a sub-make below a wrapped shell starves too, and is named as the waiter" {
	need_make 43
	need_tool python3
	local owner
	write_starving_build "\$(BYPASS) \$(JSP) sh -c 'echo owner=\$\$\$\$; MAKEFLAGS=\"\$\$BYPASS_MAKEFLAGS\" \$(MAKE) -f sub.mk --no-print-directory; true'"
	traced_make -j8
	echo "$output"
	[ "$status" -eq 0 ]
	assert_pool_whole 8
	owner=$(sed -n 's/^owner=//p' <<<"$output")
	json_report 0
	run jsonq "$J" '[s["owner"]["pid"] for s in d["starved"]]' \
		'[s["waiter"]["pid"] != s["owner"]["pid"] and "make -f sub.mk" in s["waiter"]["cmd"] for s in d["starved"]]' \
		"[s['held'] for s in d['starved']]"
	echo "$output"
	[ "$output" = "[$owner]"$'\n[True]\n[7]' ]
}

@test "report: a sub-make that waits for tokens busy elsewhere, unwrapped, is no warning" {
	need_make 43
	need_tool python3
	# -j2: the sub-make and the other recipe share one token; the sub-make waits for it,
	# and no wrapper holds any.
	write_makefile <<EOF
all: sub other
sub:
	+@\$(MAKE) -f sub.mk --no-print-directory
other:
	+@sleep 0.3
EOF
	printf 'all: x1 x2 x3\nx1 x2 x3: ; @sleep 0.2\n' > "$BATS_TEST_TMPDIR/sub.mk"
	traced_make -j2
	[ "$status" -eq 0 ]
	run "$JSP" --report "$T"
	echo "$output"
	[ "$status" -eq 0 ]
	refute grep -q WARNING <<<"$output"
	grep -qx 'result: balanced' <<<"$output"
	json_report 0
	# The waits are in the trace: it is the owner that is missing.
	run jsonq "$J" 'd["starved"]' 'any(p["waits"] > 0 and "sub.mk" in p["cmd"] for p in d["processes"])'
	echo "$output"
	[ "$output" = $'[]\nTrue' ]
}

@test "report: --json and --svg need --report, and each wrong line is named" {
	run "$JSP" --json
	[ "$status" -eq 125 ]
	grep -q -- '--json needs --report FILE or --status' <<<"$output"
	run "$JSP" --json true
	[ "$status" -eq 125 ]
	run "$JSP" --svg x.svg --status
	[ "$status" -eq 125 ]
	grep -q -- '--svg needs --report FILE' <<<"$output"
	run "$JSP" --report t.log --status
	[ "$status" -eq 125 ]
	grep -q -- '--report and --status are two actions' <<<"$output"
	run "$JSP" --jobserver 3,4 true
	[ "$status" -eq 125 ]
	grep -q -- '--jobserver needs --status' <<<"$output"
	run "$JSP" --status true
	[ "$status" -eq 125 ]
	grep -q -- 'run no COMMAND: drop it' <<<"$output"
	run "$JSP" --report t.log --trace t2.log
	[ "$status" -eq 125 ]
	grep -q -- 'read no --trace' <<<"$output"
}
