#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 15: the descendants of a wrapped command that speak the jobserver protocol see a
# jobserver that holds exactly the tokens claimed for it (PARALLELISM-1), under make 4.3's
# pipe and make 4.4.1's fifo. A wrapped sub-make of 16 jobs at make -j8 runs 8 at once, as
# the same sub-make unwrapped does, wrapped directly, through `sh -c 'exec make'`, below a
# wrapped shell, beside busy recipes and in LD_PRELOAD mode; the pool is whole at the end.
# Before issue 15 the wrapped sub-make found make's jobserver empty (its tokens sat in the
# vault) and ran one job at a time. pool.bash says how jobs are counted.

load helpers
load tools
load pool

# What a descendant counts in its jobserver, and that nothing else changes for a command
# whose tree has no jobserver client: the fd numbers it has, its PARALLELISM.
case_inner_count() {
	pool_makefile <<'EOF'
		+@sh -c 'echo plain=$$($(TOKENS) count) fds=$$(ls /proc/self/fd | sort -n | tr "\n" " ")'
		+@$(JSP) sh -c 'echo all=$$($(TOKENS) count) P=$$PARALLELISM fds=$$(ls /proc/self/fd | sort -n | tr "\n" " ")'
		+@$(JSP) --max 3 sh -c 'echo max3=$$($(TOKENS) count) P=$$PARALLELISM'
		+@$(JSP) sh -c 'sh -c "echo grandchild=\$$($(TOKENS) count)"'
EOF
	pool_run -j8
	grep -qx 'plain=7 fds=.*' <<<"$output"
	grep -q '^all=7 P=8 fds=' <<<"$output"
	grep -qx 'max3=2 P=3' <<<"$output"
	grep -qx 'grandchild=7' <<<"$output"
	# The same fd numbers wrapped and unwrapped (pipe style: the private jobserver sits at
	# make's numbers; fifo style: none is added).
	[ "$(sed -n 's/^plain=7 //p' <<<"$output")" = "$(sed -n 's/^all=7 P=8 //p' <<<"$output")" ]
	assert_pool_whole 8
}
@test "make 4.3 -j8: a wrapped command's descendants count exactly its claimed tokens" {
	need_make 43; case_inner_count
}
@test "make 4.4.1 -j8: a wrapped command's descendants count exactly its claimed tokens" {
	need_make 44; case_inner_count
}

# What a descendant is told. make 4.3 (pipe): MAKEFLAGS and MFLAGS as make wrote them, and
# the fds they name are the private jobserver, a FIFO in our per-user directory, in place
# of make's pipe. make 4.4.1 (fifo): every variable that named make's fifo names the
# private one instead, CARGO_MAKEFLAGS too; the rest is as make wrote it.
case_told() {
	local plain wrapped dir=/tmp/jobserver-preload-$(id -u)/ fifo pool r w
	cat >"$BATS_TEST_TMPDIR/told" <<'EOF'
#!/bin/sh
echo "$1 MAKEFLAGS=$MAKEFLAGS|MFLAGS=$MFLAGS|CARGO=$CARGO_MAKEFLAGS"
fds=$(echo "$MAKEFLAGS" | sed -n 's/.*--jobserver-auth=\([0-9]*\),\([0-9]*\).*/\1 \2/p')
for fd in $fds; do echo "$1 fd: $(readlink /proc/self/fd/"$fd")"; done
EOF
	chmod +x "$BATS_TEST_TMPDIR/told"
	pool_makefile <<'EOF'
		+@CARGO_MAKEFLAGS="$$MAKEFLAGS" ./told plain
		+@CARGO_MAKEFLAGS="$$MAKEFLAGS" $(JSP) ./told wrapped
EOF
	pool_run -j8
	plain=$(sed -n 's/^plain MAKEFLAGS=//p' <<<"$output")
	wrapped=$(sed -n 's/^wrapped MAKEFLAGS=//p' <<<"$output")
	if [ "$MAKE" = "$MAKE43" ]; then
		[ "$plain" = "$wrapped" ]
		{ read -r r; read -r w; } < <(sed -n 's/^wrapped fd: //p' <<<"$output")
		echo "wrapped: R is $r, W is $w" >&2
		[[ $r == "$dir"* ]] && [ "$r" = "$w" ]
		[[ $(sed -n 's/^plain fd: //p' <<<"$output" | head -1) == pipe:* ]]
	else
		fifo=${plain##*fifo:} pool=${wrapped##*fifo:}
		fifo=${fifo%%[ |]*} pool=${pool%%[ |]*}
		echo "make's fifo $fifo, the private one $pool" >&2
		[[ $pool == "$dir"* ]]
		[ "${plain//"$fifo"/P}" = "${wrapped//"$pool"/P}" ]
		[ "$(grep -o "fifo:$pool" <<<"$wrapped" | wc -l)" -eq 3 ]
	fi
	assert_pool_whole 8
}
@test "make 4.3 -j8: MAKEFLAGS and MFLAGS unchanged, their fds the private jobserver" {
	need_make 43; case_told
}
@test "make 4.4.1 -j8: MAKEFLAGS, MFLAGS and CARGO_MAKEFLAGS name the private fifo" {
	need_make 44; case_told
}

# WRAP: the recipe's words before the sub-make; the same sub-make runs unwrapped first.
case_submake() {
	sub_makefile sub.mk 16
	WRAP=$1 pool_makefile <<'EOF'
		+@$(MAKE) -s -f sub.mk LOG=$(CURDIR)/plain.log
		+@$(WRAP) $(MAKE) -s -f sub.mk LOG=$(CURDIR)/wrapped.log
EOF
	pool_run -j8 WRAP="$1"
	assert_width plain.log 8 16
	assert_width wrapped.log 8 16
	assert_pool_whole 8
}
@test "make 4.3 -j8: a wrapped sub-make runs 8 jobs at once, as unwrapped" {
	need_make 43; case_submake '$(JSP)'
}
@test "make 4.4.1 -j8: a wrapped sub-make runs 8 jobs at once, as unwrapped" {
	need_make 44; case_submake '$(JSP)'
}

# Through a shell: `sh -c 'exec make'` (the shell is the owner, make the same pid after the
# exec) and `sh -c 'make; true'` (make a child of the owner).
case_shell() {
	sub_makefile sub.mk 16
	pool_makefile <<'EOF'
		+@$(JSP) sh -c 'exec $(MAKE) -s -f sub.mk LOG=$(CURDIR)/exec.log'
		+@$(JSP) sh -c '$(MAKE) -s -f sub.mk LOG=$(CURDIR)/child.log; true'
EOF
	pool_run -j8
	assert_width exec.log 8 16
	assert_width child.log 8 16
	assert_pool_whole 8
}
@test "make 4.3 -j8: a sub-make below a wrapped sh -c, exec'd or not, runs 8 at once" {
	need_make 43; case_shell
}
@test "make 4.4.1 -j8: a sub-make below a wrapped sh -c, exec'd or not, runs 8 at once" {
	need_make 44; case_shell
}

# Three recipes hold a slot each (the implicit one and 2 tokens) while the wrapped sub-make
# starts: it claims the 4 free tokens and runs 5 jobs at once; with the holders, 8 in all,
# never more. Every job logs to one log and waits for 8 at once.
case_beside() {
	sub_makefile sub.mk 10
	write_makefile <<EOF
all: sub h1 h2 h3
	+@echo pool=\$\$(\$(TOKENS) count)
h1 h2 h3: ; @\$(SLOT) \$(CURDIR)/all.log 8 600 \$(WAIT)
sub:
	+@$(wait_log '$(CURDIR)/all.log' 3); \$(JSP) \$(MAKE) -s -f sub.mk LOG=\$(CURDIR)/all.log
.PHONY: all sub h1 h2 h3
EOF
	pool_run -j8
	assert_width all.log 8 13
	assert_pool_whole 8
}
@test "make 4.3 -j8: a wrapped sub-make beside 3 busy recipes takes the rest: 8 at once in all" {
	need_make 43; case_beside
}
@test "make 4.4.1 -j8: a wrapped sub-make beside 3 busy recipes takes the rest: 8 at once in all" {
	need_make 44; case_beside
}

# LD_PRELOAD mode: a program selected by name (a script that runs a sub-make as its child)
# claims in the library's constructor; the sub-make below it shares its tokens.
case_preloaded() {
	sub_makefile sub.mk 16
	printf '#!/bin/sh\n"$@"\n' >"$BATS_TEST_TMPDIR/step"
	chmod +x "$BATS_TEST_TMPDIR/step"
	pool_makefile <<'EOF'
		+@./step $(MAKE) -s -f sub.mk LOG=$(CURDIR)/preloaded.log
EOF
	export LD_PRELOAD=${LD_PRELOAD:+$LD_PRELOAD:}$LIB JOBSERVER_PRELOAD_PROGRAMS=step
	pool_run -j8
	assert_width preloaded.log 8 16
	assert_pool_whole 8
}
@test "make 4.3 -j8, LD_PRELOAD: a sub-make started by a selected program runs 8 at once" {
	need_make 43; case_preloaded
}
@test "make 4.4.1 -j8, LD_PRELOAD: a sub-make started by a selected program runs 8 at once" {
	need_make 44; case_preloaded
}
