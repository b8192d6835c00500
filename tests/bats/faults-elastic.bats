#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 16, the fault suite's elastic moves (docs/design.md, "An elastic private
# jobserver"): each run wraps an elastic owner (`jobserver-preload --elastic sh -c 'exec
# make'`) under make -j8 beside a plain sub-make of 4 jobs that holds slots for a random
# 50-250 ms, so that the owner starts narrow, grows when they end (tokens moved in) and
# shrinks in its serial tail (tokens moved back). A killer SIGKILLs, at a random moment in
# the first 0.6 s, the owner, its process group, one of its descendants (a job, by its
# pid), or nobody. Then a count: the pool must come back to 7 exactly, and after a run
# that nobody killed it must not have waited. make must exit 0, print no INTERNAL line,
# and never hang (jsp_make's timeout). The runs must have moved tokens both ways.
#
# JSP_FAULT_RUNS  sizes it as in faults.bats: RUNS/20 runs per make (default 20)
# JSP_FAULT_SEED  the seed of the timings and targets (printed)

load helpers
load faults

setup() {
	faults_setup
	need_tool shuf
	NRUNS=$((RUNS / 20))
	((NRUNS > 0)) || NRUNS=1
	# The owner's sub-make: 10 jobs of $(D) (50-150 ms), then a serial tail of $(T)
	# (150-300 ms) in which its tokens sit idle. Every job logs its pid for the killer.
	cat >"$BATS_TEST_TMPDIR/sub.mk" <<'EOF'
J := 1 2 3 4 5 6 7 8 9 10
all: tail
tail: $(J) ; @echo $$$$ >>$(PIDS); sleep 0.$(T)
$(J): ; @echo $$$$ >>$(PIDS); sleep 0.$(D)
EOF
	printf 'J := a b c d\nall: $(J)\n$(J): ; @sleep 0.$(H)\n' >"$BATS_TEST_TMPDIR/hold.mk"
}

# elastic_rules I TARGET: run I (and its holders), after run I-1's count.
elastic_rules() {
	local i=$1 target=$2 k=$((RANDOM % 600)) d h t kill label
	d=$(printf '%02d' $((RANDOM % 11 + 5))) h=$(printf '%02d' $((RANDOM % 21 + 5)))
	t=$((RANDOM % 16 + 15))
	case $target in
	owner) kill='$$(cat v'$i'.pid)' ;;
	group) kill='-$$(cat v'$i'.pid)' ;;
	desc) kill='$$(shuf -n1 v'$i'.pids)' ;;
	esac
	label="$target killed after ${k} ms, jobs of 0.$d s, holders 0.$h s"
	[ "$target" = none ] && label="nobody killed, jobs of 0.$d s, holders 0.$h s (normal exit)"
	printf 'h%d: c%d\n\t+@$(MAKE) -s -f hold.mk H=%s\n' "$i" $((i - 1)) "$h"
	printf 'v%d: c%d\n\t-+@: >v%d.pids; sleep 0.02; ' "$i" $((i - 1)) "$i"
	[ "$target" = none ] ||
		printf '(sleep 0.%03d; kill -KILL %s 2>/dev/null; true) & ' "$k" "$kill"
	printf 'setsid $(JSP) -v --elastic sh -c '\''echo $$$$ >v%d.pid; ' "$i"
	printf 'exec $(MAKE) -s -f sub.mk PIDS=$(CURDIR)/v%d.pids D=%s T=%s'\''; wait\n' "$i" "$d" "$t"
	# Orphans of a killed tree end within 0.3 s; the reaper gives back as their writers go.
	printf 'c%d: v%d h%d\n\t+@n=0; while c=$$($(TOKENS) count); [ "$$c" -lt 7 ] && [ $$n -lt 300 ]; ' "$i" "$i" "$i"
	printf 'do n=$$((n + 1)); sleep 0.01; done; echo "run %d ($(MAKE_VERSION), %s): pool=$$c waited=$$n"\n' \
		"$i" "$label"
}

assert_elastic_runs() {
	local counts bad moved_in moved_out
	echo "# seed $SEED, $NRUNS runs" >&3
	assert_tree_counts
	assert_pool_whole 8
	moved_in=$(grep -c 'moved [0-9]* free tokens into the private jobserver' <<<"$output" || true)
	moved_out=$(grep -c 'gave back [0-9]* idle tokens of the private jobserver' <<<"$output" || true)
	echo "# $moved_in moves in, $moved_out give-backs by the reaper; none lost, none duplicated;" \
		"$(grep -cv 'waited=0$' <<<"$counts" || true) counts waited" >&3
	((moved_in > 0 && moved_out > 0)) || { echo "seed $SEED: no moves: $output" >&2; return 1; }
}

@test "make 4.3: an elastic owner's tree killed while tokens move in and out: no token lost or duplicated" {
	need_make 43
	tree_makefile_runs elastic_rules
	jsp_make -j8
	assert_elastic_runs
}
@test "make 4.4.1: an elastic owner's tree killed while tokens move in and out: no token lost or duplicated" {
	need_make 44
	tree_makefile_runs elastic_rules
	jsp_make -j8
	assert_elastic_runs
}
