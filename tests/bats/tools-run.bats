#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The tools of the user guide's table that a build runs (tools.bash says how jobs are
# counted): sphinx-build (reading processes), pytest-xdist (worker pids), GNU parallel,
# xz and zstd (threads in /proc/PID/task), OpenBLAS through numpy (its own task list),
# under make 4.3 and 4.4.1 with -j8 (-j4 for pytest), and -j1 where no jobserver changes
# what the line gives. OpenMP's line is tested by openmp.bats.

load helpers
load tools

# --- sphinx-build -j N: the reading processes, each running one slot --------------------
case_sphinx() {
	mkdir -p src
	cat >src/conf.py <<'EOF'
import os, sys
sys.path.insert(0, os.path.dirname(__file__))
extensions = ['slotlog']
EOF
	cat >src/slotlog.py <<'EOF'
import os, subprocess
seen = set()
def read(app, docname, source):
    # Once a process: sphinx -j N reads in up to N forked processes at a time.
    if os.getpid() not in seen:
        seen.add(os.getpid())
        subprocess.run([os.environ['SLOT'], os.environ['SLOTLOG'], os.environ['SLOT_N']], check=True)
def setup(app):
    app.connect('source-read', read)
    return {'parallel_read_safe': True, 'parallel_write_safe': True}
EOF
	# 17 documents: more chunks than 8 processes, so that 8 run at once.
	printf 'Index\n=====\n\n.. toctree::\n\n' >src/index.rst
	for i in $(seq 16); do
		printf 'Doc %d\n======\n\ntext\n' "$i" >"src/d$i.rst"
		echo "   d$i" >>src/index.rst
	done
	pool_makefile <<'EOF'
		+@SLOTLOG=$(CURDIR)/sphinx.log SLOT_N=$(N) $(JSP) -I{} sphinx-build -q -j {} -b html src out
EOF
	tools_make "$1" sphinx-build
	assert_peak sphinx.log "$1"
	assert_pool "$1"
}
@test "make 4.3 -j8: -I{} sphinx-build -j {}: 8 reading processes at once" { need_make 43; case_sphinx 8; }
@test "make 4.4.1 -j8: -I{} sphinx-build -j {}: 8 reading processes at once" { need_make 44; case_sphinx 8; }
@test "make 4.3 -j1: -I{} sphinx-build -j {}: one process reads" { need_make 43; case_sphinx 1; }

# --- pytest -n N (pytest-xdist): the workers' pids ----------------------------------------
case_pytest() {
	cat >test_w.py <<'EOF'
import os, pytest
@pytest.mark.parametrize('i', range(2 * int(os.environ['WORKERS'])))
def test_w(i):
    with open(os.environ['PIDLOG'], 'a') as f:
        f.write('%d\n' % os.getpid())
EOF
	pool_makefile <<'EOF'
		+@WORKERS=$(N) PIDLOG=$(CURDIR)/pids $(JSP) -I{} pytest -q -p no:cacheprovider -n {} test_w.py >pytest.out
EOF
	tools_make "$1" pytest
	local workers
	workers=$(sort -u pids | wc -l)
	echo "pytest-xdist workers: $workers; want $1" >&2
	[ "$workers" -eq "$1" ]
	assert_pool "$1"
}
# -j4 rather than -j8: each worker is a Python process that imports pytest, about a
# second of CPU on a 2-core runner; 4 shows the count as well as 8.
@test "make 4.3 -j4: -I{} pytest -n {}: 4 workers" { need_make 43; case_pytest 4; }
@test "make 4.4.1 -j4: -I{} pytest -n {}: 4 workers" { need_make 44; case_pytest 4; }
@test "make 4.3 -j1: -I{} pytest -n {}: one worker" { need_make 43; case_pytest 1; }

# --- GNU parallel: PARALLEL=-jN, since parallel reads {} itself -----------------------------
case_parallel() {
	pool_makefile <<'EOF'
		+@$(JSP) --export PARALLEL=-j{} parallel --will-cite -N0 $(SLOT) $(CURDIR)/parallel.log $(N) ::: $(JOBS)
EOF
	tools_make "$1" parallel
	assert_peak parallel.log "$1"
	assert_pool "$1"
}
@test "make 4.3 -j8: --export PARALLEL=-j{} parallel: 8 jobs at once" { need_make 43; case_parallel 8; }
@test "make 4.4.1 -j8: --export PARALLEL=-j{} parallel: 8 jobs at once" { need_make 44; case_parallel 8; }
# Without --default nothing is exported under -j1, and parallel's default is a job per CPU.
@test "make 4.3 -j1: --default 1 --export PARALLEL=-j{} parallel: one job at a time" {
	need_make 43
	pool_makefile <<'EOF'
		+@$(JSP) --default 1 --export PARALLEL=-j{} parallel --will-cite -N0 $(SLOT) $(CURDIR)/parallel.log $(N) ::: $(JOBS)
EOF
	tools_make 1 parallel
	assert_peak parallel.log 1
}

# --- xz -T N and XZ_OPT=-TN, zstd -T N and ZSTD_NBTHREADS: threads in /proc/PID/task ------
# threads-of WANT CMD...: CMD (which execs into the tool) compresses 1 MiB read from a
# fifo that stays open until the tool's threads are counted (slot --threads).
write_threads_of() {
	cat >threads-of <<'EOF'
#!/bin/sh
want=$1; shift
rm -f in; mkfifo in
(exec "$@" <in >out) & pid=$!
exec 3>in
head -c 1048576 /dev/urandom >&3
printf '%s ' "$(basename "$1")"; "$SLOT" --threads "$pid" "$want"
exec 3>&-
wait "$pid"
EOF
	chmod +x threads-of
}

# xz 5.4 runs -T1 single-threaded: 1 thread; -TN for N > 1: N workers and the main one.
case_xz() {
	local want=$(($1 > 1 ? $1 + 1 : 1))
	write_threads_of
	pool_makefile <<EOF
		+@echo -n 'arg '; ./threads-of $want \$(JSP) -I{} xz -T{} -1 --block-size=64KiB
		+@echo -n 'env '; ./threads-of $want \$(JSP) --export XZ_OPT=-T{} xz -1 --block-size=64KiB
		+@echo -n 'plain '; ./threads-of 1 \$(JSP) --export XZ_OPT xz -1 --block-size=64KiB
EOF
	tools_make "$1" xz
	grep -qx "arg jobserver-preload threads=$want" <<<"$output"
	grep -qx "env jobserver-preload threads=$want" <<<"$output"
	# The mistake the template prevents: XZ_OPT=8 means nothing to xz, which runs 1 thread.
	grep -qx "plain jobserver-preload threads=1" <<<"$output"
	assert_pool "$1"
}
@test "make 4.3 -j8: xz -T{} and --export XZ_OPT=-T{}: 8 compressing threads" { need_make 43; case_xz 8; }
@test "make 4.4.1 -j8: xz -T{} and --export XZ_OPT=-T{}: 8 compressing threads" { need_make 44; case_xz 8; }
@test "make 4.3 -j1: xz -T{}: single-threaded" { need_make 43; case_xz 1; }

# zstd 1.5.4 has threads of its own besides its workers (asynchronous I/O): the count is
# the difference to -T1 measured in the same run, with one worker.
case_zstd() {
	write_threads_of
	pool_makefile <<EOF
		+@echo -n 'base '; ./threads-of 1 zstd -q -T1 -1
		+@echo -n 'arg '; ./threads-of $(($1 + 3)) \$(JSP) -I{} zstd -q -T{} -1
		+@echo -n 'env '; ./threads-of $(($1 + 3)) \$(JSP) --export ZSTD_NBTHREADS zstd -q -1
EOF
	tools_make "$1" zstd
	local base arg env
	base=$(sed -n 's/^base zstd threads=//p' <<<"$output")
	arg=$(sed -n 's/^arg jobserver-preload threads=//p' <<<"$output")
	env=$(sed -n 's/^env jobserver-preload threads=//p' <<<"$output")
	echo "zstd threads: -T1 $base, -T{} $arg, ZSTD_NBTHREADS $env" >&2
	[ -n "$base" ] && [ -n "$arg" ] && [ -n "$env" ]
	[ $((arg - base + 1)) -eq "$1" ]
	[ $((env - base + 1)) -eq "$1" ]
	assert_pool "$1"
}
@test "make 4.3 -j8: zstd -T{} and --export ZSTD_NBTHREADS: 8 workers" { need_make 43; case_zstd 8; }
@test "make 4.4.1 -j8: zstd -T{} and --export ZSTD_NBTHREADS: 8 workers" { need_make 44; case_zstd 8; }

# --- OpenBLAS (numpy): OPENBLAS_NUM_THREADS, never more threads than CPUs -------------------
case_openblas() {
	local cpus want
	cpus=$(nproc)
	want=$(($1 < cpus ? $1 : cpus))
	pool_makefile <<'EOF'
		+@$(PY) -c 'import numpy, os; print("unwrapped", len(os.listdir("/proc/self/task")))'
		+@$(JSP) --default 1 --export OPENBLAS_NUM_THREADS $(PY) -c 'import numpy, os; print("wrapped", len(os.listdir("/proc/self/task")))'
EOF
	PY=/usr/bin/python3 tools_make "$1" /usr/bin/python3
	/usr/bin/python3 -c 'import numpy' || { echo "python3-numpy is missing" >&2; return 1; }
	grep -qx "unwrapped $cpus" <<<"$output" # OpenBLAS's default: a thread per CPU
	grep -qx "wrapped $want" <<<"$output"
	assert_pool "$1"
}
@test "make 4.3 -j8: --export OPENBLAS_NUM_THREADS: numpy's OpenBLAS runs min(8, CPUs) threads" {
	need_make 43; case_openblas 8
}
@test "make 4.4.1 -j8: --export OPENBLAS_NUM_THREADS: numpy's OpenBLAS runs min(8, CPUs) threads" {
	need_make 44; case_openblas 8
}
@test "make 4.3 -j1: --default 1 --export OPENBLAS_NUM_THREADS: one thread" {
	if [ "$(nproc)" -lt 2 ]; then
		[ "${CI:-}" != true ] || { echo "one CPU under CI: OpenBLAS's default is one thread too" >&2; return 1; }
		skip "one CPU: OpenBLAS's default is one thread too"
	fi
	need_make 43; case_openblas 1
}
