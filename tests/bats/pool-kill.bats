#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 15: tokens are conserved across the wrapped tree however a part of it ends, under
# make 4.3 and 4.4.1 at -j8. The owner (a wrapped sub-make) SIGKILLed while a sub-make below
# it runs 8 jobs on tokens of the private jobserver: make gets back no token that is still in
# use (the free count never exceeds the jobs that have ended), and all of them once the
# orphans end. A descendant SIGKILLed holding tokens (a plain sub-make, and a wrapped one):
# the owner's tree goes on, and the pool is whole at the end. Jobs are slots (pool.bash);
# every kill is real and lands only once 8 jobs run.

load helpers
load tools
load pool

# The count at the end: the free tokens, until the pool is whole or 10 s have passed (the
# reaper gives back a killed tree's tokens as its writers go).
count_rule() {
	printf 'count: %s\n\t+@n=0; while c=$$($(TOKENS) count); [ "$$c" -lt 7 ] && [ $$n -lt 1000 ]; ' "$1"
	printf 'do n=$$((n + 1)); sleep 0.01; done; echo "after: free=$$c"\n\t+@echo pool=$$($(TOKENS) count)\n'
}

# killer LOG PIDFILE: shell words that start, in the background, a process that waits for 8
# jobs in LOG and then SIGKILLs the pid in PIDFILE.
killer() {
	printf '(%s; kill -KILL $$(cat %s); echo killed) &' "$(wait_log "$1" 8)" "$2"
}

# The owner, a wrapped sub-make, runs one job: a plain sub-make of 8 jobs held 1.5 s, which
# takes all 7 tokens of the private jobserver. The owner is killed once the 8 run; the count
# right after it ("during") may see free only the tokens of jobs that have ended.
case_owner_killed() {
	sub_makefile leaf.mk 8 1500
	printf 'all:\n\t+@$(MAKE) -s -f leaf.mk LOG=$(CURDIR)/leaf.log\n' >"$BATS_TEST_TMPDIR/owner.mk"
	{
		printf 'all: count\nowner:\n\t-+@%s sh -c '\''echo $$$$ >owner.pid; ' "$(killer '$(CURDIR)/leaf.log' owner.pid)"
		printf 'exec $(JSP) $(MAKE) -s -f owner.mk'\''\n'
		printf 'during: owner\n\t+@echo "during: free=$$($(TOKENS) count) ended=$$(grep -c "^-" leaf.log)"\n'
		count_rule during
	} | write_makefile
	pool_run -j8
	grep -qx killed <<<"$output"
	assert_width leaf.log 8 8
	local free ended
	read -r free ended < <(sed -n 's/^during: free=\([0-9]*\) ended=\([0-9]*\)$/\1 \2/p' <<<"$output")
	echo "after the owner's kill: $free free while $ended of 8 orphaned jobs had ended" >&2
	[ "$free" -le "$ended" ]
	grep -qx 'after: free=7' <<<"$output"
	assert_pool_whole 8
}
@test "make 4.3 -j8: the owner SIGKILLed mid-build: tokens in use stay out until their jobs end" {
	need_make 43; case_owner_killed
}
@test "make 4.4.1 -j8: the owner SIGKILLed mid-build: tokens in use stay out until their jobs end" {
	need_make 44; case_owner_killed
}

# The owner, a wrapped sub-make, runs a sub-make of 8 jobs (WRAP: the words before it, empty
# or the launcher) and kills it with SIGKILL once the 8 run, holding the private tokens;
# then 8 more jobs. LOST=1: the killed sub-make was a plain one, and took the private tokens
# it held with it, as it would take make's unwrapped: the owner's tree runs the rest one at
# a time. LOST=0: it was wrapped, so its own reaper gives them back to the owner's private
# jobserver, and the rest run 8 at once. Either way make gets all 7 back at the end.
case_descendant_killed() {
	local wrap=$1 lost=$2
	sub_makefile leaf.mk 8
	sub_makefile rest.mk 8
	{
		printf 'all: rest\nleaf:\n\t-+@%s sh -c '\''echo $$$$ >leaf.pid; ' "$(killer '$(CURDIR)/leaf.log' leaf.pid)"
		printf 'exec %s $(MAKE) -s -f leaf.mk LOG=$(CURDIR)/leaf.log'\''\n' "$wrap"
		printf 'rest: leaf\n\t+@$(MAKE) -s -f rest.mk LOG=$(CURDIR)/rest.log\n'
	} >"$BATS_TEST_TMPDIR/owner.mk"
	{
		printf 'all: count\nowner:\n\t+@$(JSP) $(MAKE) -s -f owner.mk\n'
		count_rule owner
	} | write_makefile
	pool_run -j8
	grep -qx killed <<<"$output"
	assert_width leaf.log 8 8
	if [ "$lost" = 1 ]; then assert_width rest.log 1 8; else assert_width rest.log 8 8; fi
	grep -qx 'after: free=7' <<<"$output"
	assert_pool_whole 8
}
@test "make 4.3 -j8: a plain sub-make below the owner SIGKILLed holding tokens: pool whole" {
	need_make 43; case_descendant_killed '' 1
}
@test "make 4.4.1 -j8: a plain sub-make below the owner SIGKILLed holding tokens: pool whole" {
	need_make 44; case_descendant_killed '' 1
}
@test "make 4.3 -j8: a wrapped sub-make below the owner SIGKILLed: its tokens go back to the owner's tree" {
	need_make 43; case_descendant_killed '$(JSP)' 0
}
@test "make 4.4.1 -j8: a wrapped sub-make below the owner SIGKILLed: its tokens go back to the owner's tree" {
	need_make 44; case_descendant_killed '$(JSP)' 0
}
