#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The build tools of the user guide's table (tools.bash says how jobs are counted): make (a
# sub-make, and another build run as a tool), ninja 1.11, cmake --build, ctest and cargo,
# under make 4.3 and 4.4.1 with -j8, and -j1 where no jobserver changes what the line gives.

load helpers
load tools

# --- make: a sub-make of this build, and another build run as a tool ---------------------
case_make() {
	cat >other.mk <<'EOF'
all: $(JOBS)
$(JOBS): ; @$(SLOT) $(LOG) $(N)
.PHONY: all $(JOBS)
EOF
	pool_makefile <<'EOF'
		+@$(MAKE) -s -f other.mk LOG=$(CURDIR)/submake.log
		+@$(JSP) -I{} $(MAKE) -s -j{} -f other.mk LOG=$(CURDIR)/wrapped.log
EOF
	tools_make "$1"
	assert_peak submake.log "$1"
	assert_peak wrapped.log "$1"
	assert_pool "$1"
}
@test "make 4.3 -j8: +\$(MAKE) shares the jobserver; -I{} \$(MAKE) -j{} runs its own" { need_make 43; case_make 8; }
@test "make 4.4.1 -j8: +\$(MAKE) shares the jobserver; -I{} \$(MAKE) -j{} runs its own" { need_make 44; case_make 8; }
@test "make 4.3 -j1: both make lines run one job at a time" { need_make 43; case_make 1; }

# --- ninja 1.11 -j N ------------------------------------------------------------------------
case_ninja() {
	mkdir nin
	{
		printf 'rule slot\n  command = %s %s %s\n' "$SLOT" "$BATS_TEST_TMPDIR/ninja.log" "$1"
		for i in $(seq $(($1 + 2))); do printf 'build j%d: slot\n' "$i"; done
	} >nin/build.ninja
	pool_makefile <<'EOF'
		+@$(JSP) -I{} ninja -C nin -j {} >ninja.out
EOF
	tools_make "$1" ninja
	assert_peak ninja.log "$1"
	assert_pool "$1"
}
@test "make 4.3 -j8: -I{} ninja -j {}: 8 rules at once" { need_make 43; case_ninja 8; }
@test "make 4.4.1 -j8: -I{} ninja -j {}: 8 rules at once" { need_make 44; case_ninja 8; }
@test "make 4.3 -j1: -I{} ninja -j {}: one rule at a time (ninja's own default is every CPU)" {
	need_make 43; case_ninja 1
}

# --- cmake --build and ctest (Ninja generator: ninja 1.11 has no jobserver) ----------------
case_cmake() {
	mkdir proj
	cat >proj/CMakeLists.txt <<'EOF'
cmake_minimum_required(VERSION 3.13)
project(t NONE)
enable_testing()
foreach(i RANGE 1 ${JOBS})
  add_custom_target(j${i} ALL COMMAND ${SLOT} ${LOG}.build ${N})
  add_test(NAME t${i} COMMAND ${SLOT} ${LOG}.test ${N})
endforeach()
EOF
	need_tool cmake ctest ninja
	cmake -S proj -B b -G Ninja -DSLOT="$SLOT" -DLOG="$BATS_TEST_TMPDIR/arg" -DN="$1" \
		-DJOBS=$(($1 + 2)) >cmake.out
	cmake -S proj -B e -G Ninja -DSLOT="$SLOT" -DLOG="$BATS_TEST_TMPDIR/env" -DN="$1" \
		-DJOBS=$(($1 + 2)) >cmake.out
	pool_makefile <<'EOF'
		+@$(JSP) -I{} cmake --build b -j {} >build.out
		+@$(JSP) -I{} ctest --test-dir b -j {} >test.out
		+@$(JSP) --export CMAKE_BUILD_PARALLEL_LEVEL cmake --build e >build.out
		+@$(JSP) --export CTEST_PARALLEL_LEVEL ctest --test-dir e >test.out
EOF
	tools_make "$1"
	assert_peak arg.build "$1"
	assert_peak arg.test "$1"
	assert_peak env.build "$1"
	assert_peak env.test "$1"
	assert_pool "$1"
}
@test "make 4.3 -j8: cmake --build -j {} and ctest -j {}, and their variables: 8 at once" {
	need_make 43; case_cmake 8
}
@test "make 4.4.1 -j8: cmake --build -j {} and ctest -j {}, and their variables: 8 at once" {
	need_make 44; case_cmake 8
}

# --- cargo: a jobserver client itself -------------------------------------------------------
# Ten small crates; RUSTC_WRAPPER runs a slot for each crate's rustc (not cargo's probes).
write_crates() {
	local i
	for i in $(seq 10); do
		mkdir -p "c$i/src"
		printf '[package]\nname = "c%d"\nversion = "0.1.0"\nedition = "2021"\n' "$i" >"c$i/Cargo.toml"
		echo "pub fn f() -> u32 { $i }" >"c$i/src/lib.rs"
	done
	printf '[workspace]\nmembers = [%s]\n' "$(seq -s, -f '"c%g"' 10)" >Cargo.toml
	cat >rustc-slot <<'EOF'
#!/bin/sh
case " $* " in
*" --crate-name ___ "*) ;;
*" --crate-name "*) "$SLOT" "$SLOTLOG" "$SLOT_N" ;;
esac
exec "$@"
EOF
	chmod +x rustc-slot
	export CARGO_HOME=$BATS_TEST_TMPDIR/cargo-home RUSTC_WRAPPER=$BATS_TEST_TMPDIR/rustc-slot
	# Under the sanitizer build the ASan runtime, which that build's library needs first in
	# LD_PRELOAD, hangs cargo at its start (a futex wait, measured) and breaks rustc's
	# allocator: cargo runs without LD_PRELOAD there. The launcher, its claim and its -I
	# are still the sanitized ones; the reaper gives the tokens back when cargo ends, a few
	# ms after make sees it end (no code of ours runs at cargo's exit): CARGO_BACK waits
	# for them (2 s at most) before the pool is counted.
	CARGO_ENV= CARGO_BACK=:
	if [ "${JSP_SANITIZE:-OFF}" = ON ]; then
		CARGO_ENV='-u LD_PRELOAD'
		CARGO_BACK="$TOKENS count \$\$((\$(N) - 1)) >/dev/null"
	fi
	export CARGO_ENV CARGO_BACK
}

# Debian 12's cargo (1.65) reads make 4.3's pipe jobserver but not make 4.4's fifo: the
# line that works under both hides make's jobserver from it and gives it the count.
case_cargo() {
	write_crates
	pool_makefile <<'EOF'
		+@SLOTLOG=$(CURDIR)/hidden.log SLOT_N=$(N) $(JSP) -I{} env -u MAKEFLAGS -u MFLAGS $(CARGO_ENV) cargo build -q --offline --target-dir t1 -j {}
		+@$(if $(filter 1,$(N)),:,$(CARGO_BACK))
EOF
	tools_make "$1" cargo
	assert_peak hidden.log "$1"
	assert_pool "$1"
}
@test "make 4.3 -j8: -I{} env -u MAKEFLAGS cargo build -j {}: 8 rustc at once" { need_make 43; case_cargo 8; }
@test "make 4.4.1 -j8: -I{} env -u MAKEFLAGS cargo build -j {}: 8 rustc at once" { need_make 44; case_cargo 8; }
@test "make 4.3 -j1: -I{} env -u MAKEFLAGS cargo build -j {}: one rustc at a time" { need_make 43; case_cargo 1; }

# make 4.3 and a cargo that reads its jobserver: not wrapped, cargo takes the free tokens
# itself; wrapped as it is, it would find them taken and ignore -j (one rustc at a time).
@test "make 4.3 -j8: +cargo build shares make's jobserver: 8 rustc at once" {
	need_make 43
	write_crates
	pool_makefile <<'EOF'
		+@SLOTLOG=$(CURDIR)/shared.log SLOT_N=8 env $(CARGO_ENV) cargo build -q --offline --target-dir t2
EOF
	tools_make 8 cargo
	assert_peak shared.log 8
	assert_pool_whole 8
}
