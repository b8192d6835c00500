#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 15, the fault suite's new paths: the tokens of a private jobserver (docs/design.md)
# come back however its tree ends. Each run wraps a sub-make (the owner) under make -j8; the
# sub-make runs plain jobs, wrapped jobs (nested owners, which claim from the private
# jobserver) and a plain sub-sub-make, all of them holding tokens of the private jobserver,
# and a killer SIGKILLs, at a random moment from the claim to the end, the owner, the
# owner's process group, or one of its descendants (a job, a nested owner, the sub-sub-make,
# by its pid), or nobody. Then a count: the pool must come back to 7 exactly (a duplicate
# shows at once), and after a run that nobody killed it must not have waited. make must exit
# 0, print no INTERNAL line, and never hang (jsp_make's timeout).
#
# JSP_FAULT_RUNS  sizes it as in faults.bats: RUNS/5 runs per make (default 80)
# JSP_FAULT_SEED  the seed of the timings and targets (printed when a test fails)

load helpers
load faults

setup() {
	faults_setup
	need_tool shuf
	NRUNS=$((RUNS / 5))
	((NRUNS > 0)) || NRUNS=1
	# The owner's sub-make: 4 plain jobs, 2 wrapped ones (marked '+' so that make 4.3 hands
	# them the private jobserver) and a plain sub-sub-make of 3 jobs. Every job logs its pid
	# to $(PIDS), so that the killer can pick one, and sleeps $(D) ms.
	cat >"$BATS_TEST_TMPDIR/sub.mk" <<'EOF'
J := 1 2 3 4
all: $(J) w1 w2 deep
$(J): ; @echo $$$$ >>$(PIDS); sleep 0.0$(D)
w1 w2: ; +@$(JSP) sh -c 'echo $$$$ >>$(PIDS); sleep 0.0$(D)'
deep: ; +@echo $$$$ >>$(PIDS); exec $(MAKE) -s -f leaf.mk
EOF
	printf 'J := a b c\nall: $(J)\n$(J): ; @echo $$$$ >>$(PIDS); sleep 0.0$(D)\n' \
		>"$BATS_TEST_TMPDIR/leaf.mk"
}

# pool_rules I TARGET: run I, after run I-1's count. TARGET: owner, group, desc or none.
pool_rules() {
	local i=$1 target=$2 k=$((RANDOM % 80)) d=$((RANDOM % 5 + 1))0 kill label
	case $target in
	owner) kill='$$(cat v'$i'.pid)' ;;
	group) kill='-$$(cat v'$i'.pid)' ;;
	desc) kill='$$(shuf -n1 v'$i'.pids)' ;;
	esac
	label="$target killed after ${k} ms, jobs of $d ms"
	[ "$target" = none ] && label="nobody killed, jobs of $d ms (normal exit)"
	printf 'v%d: c%d\n\t-+@: >v%d.pids; ' "$i" $((i - 1)) "$i"
	[ "$target" = none ] ||
		printf '(sleep 0.%03d; kill -KILL %s 2>/dev/null; true) & ' "$k" "$kill"
	printf 'setsid $(JSP) sh -c '\''echo $$$$ >v%d.pid; echo P=$$PARALLELISM; ' "$i"
	printf 'exec $(MAKE) -s -f sub.mk JSP=$(JSP) PIDS=$(CURDIR)/v%d.pids D=%s'\''; wait\n' "$i" "$d"
	# Orphans of a killed tree end within 0.1 s; the reaper gives back as their writers go.
	printf 'c%d: v%d\n\t+@n=0; while c=$$($(TOKENS) count); [ "$$c" -lt 7 ] && [ $$n -lt 300 ]; ' "$i" "$i"
	printf 'do n=$$((n + 1)); sleep 0.01; done; echo "run %d ($(MAKE_VERSION), %s): pool=$$c waited=$$n"\n' \
		"$i" "$label"
}

# assert_pool_runs: every run counted 7, a run nobody killed without waiting, every owner
# that printed its PARALLELISM claimed all 7, make ended clean.
assert_pool_runs() {
	local counts bad claimed
	assert_tree_counts
	bad=$(grep '^P=' <<<"$output" | grep -vx 'P=8' | head -3)
	[ -z "$bad" ] || { echo "seed $SEED: an owner did not claim all 7: $bad" >&2; return 1; }
	claimed=$(grep -cx 'P=8' <<<"$output" || true)
	((claimed * 2 >= NRUNS)) || { echo "seed $SEED: only $claimed of $NRUNS owners claimed" >&2; return 1; }
	assert_pool_whole 8
	echo "# $NRUNS runs, $claimed owners seen claiming: none lost, none duplicated;" \
		"$(grep -cv 'waited=0$' <<<"$counts" || true) counts waited" >&3
}

@test "make 4.3: a private jobserver's tree killed anywhere: no token lost or duplicated" {
	need_make 43
	tree_makefile_runs pool_rules
	jsp_make -j8
	assert_pool_runs
}
@test "make 4.4.1: a private jobserver's tree killed anywhere: no token lost or duplicated" {
	need_make 44
	tree_makefile_runs pool_rules
	jsp_make -j8
	assert_pool_runs
}
