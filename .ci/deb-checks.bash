# SPDX-License-Identifier: GPL-2.0-or-later
# The checks of .ci/deb-check, sourced by it (its $work, $version, $arch, $cross, deb(),
# fail()): the packages' fields and files, the hardening of the binaries, the installed
# files found by man and the shells, and wrapped builds with the installed launcher and
# library, a 32-bit program among them.

# The files of a .deb, as "./usr/bin/x" or "./usr/share/man/man1/x.1.gz -> y".
deb_files() { dpkg-deb -c "$1" | awk '{ $1 = $2 = $3 = $4 = $5 = ""; sub(/^ +/, ""); print }'; }
has() { grep -qxF -- "$2" <<<"$1" || fail "$3 lacks $2"; }

check_fields() {
	local a lib bin f files libc
	for a in $arch $cross; do
		bin=$(deb jobserver-preload "$a") lib=$(deb libjobserver-preload "$a")
		[ "$(dpkg-deb -f "$bin" Multi-Arch)" = foreign ] || fail "${bin##*/}: not Multi-Arch: foreign"
		[ "$(dpkg-deb -f "$lib" Multi-Arch)" = same ] || fail "${lib##*/}: not Multi-Arch: same"
		[ "$(dpkg-deb -f "$bin" Depends)" = "libjobserver-preload (= $version)" ] ||
			fail "${bin##*/}: Depends: $(dpkg-deb -f "$bin" Depends)"
		dpkg-deb -f "$lib" Depends | grep -q '^libc6 (>= ' || fail "${lib##*/} does not depend on libc6"
		# The static launchers carry the C library they were linked with, and gcc's runtime.
		libc=$(dpkg-query -W -f '${source:Package} (= ${source:Version})' "libc6-dev:$a")
		f=$(dpkg-deb -f "$bin" Built-Using)
		[[ ", $f, " == *", $libc, "* && ", $f" == *", gcc-"* ]] ||
			fail "${bin##*/}: Built-Using: $f, not $libc and gcc"
		files=$(deb_files "$bin")
		for f in ./usr/bin/jobserver-preload ./usr/bin/jobserver-exec \
			./usr/share/man/man1/jobserver-preload.1.gz \
			"./usr/share/man/man1/jobserver-exec.1.gz -> jobserver-preload.1.gz" \
			./usr/share/bash-completion/completions/jobserver-preload \
			./usr/share/bash-completion/completions/jobserver-exec \
			./usr/share/zsh/vendor-completions/_jobserver-preload \
			./usr/share/fish/vendor_completions.d/jobserver-preload.fish \
			./usr/share/fish/vendor_completions.d/jobserver-exec.fish \
			./usr/share/doc/jobserver-preload/copyright \
			./usr/share/doc/jobserver-preload/changelog.gz \
			./usr/share/doc/jobserver-preload/user-guide.md.gz; do
			has "$files" "$f" "${bin##*/}"
		done
		files=$(deb_files "$lib")
		local dir=./usr/lib/$(dpkg-architecture -a"$a" -qDEB_HOST_MULTIARCH 2>/dev/null)/jobserver-preload
		has "$files" "$dir/libjobserver-preload.so" "${lib##*/}"
		has "$files" "$dir/libjobserver-preload-trace.so" "${lib##*/}"
		has "$files" ./usr/share/doc/libjobserver-preload/copyright "${lib##*/}"
	done
}

# Each ELF file shipped: position-independent, RELRO, no executable stack; BIND_NOW but for
# the preload library (lazy on purpose, CMakeLists.txt). In the debug info every compile of
# ours carries -O2 -fstack-protector-strong; the fortified calls are there (__*_chk).
check_hardening() {
	local a x f id dbg producers
	for a in $arch $cross; do
		x=$work/x-$a
		mkdir -p "$x"
		for f in jobserver-preload libjobserver-preload jobserver-preload-dbgsym \
			libjobserver-preload-dbgsym; do
			dpkg-deb -x "$(deb "$f" "$a")" "$x"
		done
		for f in "$x"/usr/bin/* "$x"/usr/lib/*/jobserver-preload/*.so; do
			readelf -hW "$f" | grep -q 'Type: *DYN' || fail "$f is not position-independent"
			readelf -lW "$f" | grep -q GNU_RELRO || fail "$f has no RELRO"
			! readelf -lW "$f" | grep GNU_STACK | grep -q RWE || fail "$f has an executable stack"
			if [[ $f == */libjobserver-preload.so ]]; then
				! readelf -dW "$f" | grep -q BIND_NOW || fail "$f binds at load: CMakeLists.txt wants it lazy"
				readelf --dyn-syms -W "$f" | grep -c ' __vsnprintf_chk' >/dev/null || fail "$f: not fortified"
			else
				readelf -dW "$f" | grep -q BIND_NOW || fail "$f has no BIND_NOW"
			fi
			id=$(readelf -nW "$f" | sed -n 's/.*Build ID: *//p')
			dbg=$x/usr/lib/debug/.build-id/${id:0:2}/${id:2}.debug
			[ -f "$dbg" ] || fail "no debug file for $f"
			# (grep -c, not -q: readelf killed by SIGPIPE fails the pipe under pipefail)
			[[ $f != */usr/bin/* ]] || readelf -sW "$dbg" | grep -c ' __fprintf_chk$' >/dev/null ||
				fail "$f: not fortified (no __fprintf_chk)"
		done
		# The producers of every compile unit: strings of the (compressed) debug files and
		# their dwz parts.
		producers=$(for f in $(find "$x/usr/lib/debug" -type f); do
			readelf -zp .debug_str "$f" 2>/dev/null; done | grep -o 'GNU C[^]]*' | sort -u || true)
		[ -n "$producers" ] || fail "no compile unit in the debug files of $a"
		! grep -v -- '-O2.*-fstack-protector-strong' <<<"$producers" ||
			fail "compiled without -O2 -fstack-protector-strong for $a (above)"
	done
}

check_installed() {
	local home=$work/home out
	[ "$(man -w jobserver-preload)" = /usr/share/man/man1/jobserver-preload.1.gz ] ||
		fail "man -w jobserver-preload: $(man -w jobserver-preload)"
	out=$(env -u LD_PRELOAD man --warnings jobserver-exec 2>&1 >/dev/null) && [ -z "$out" ] ||
		fail "man jobserver-exec: $out"
	out=$(bash -c '. /usr/share/bash-completion/bash_completion; _completion_loader jobserver-exec
		complete -p jobserver-preload jobserver-exec' 2>&1)
	grep -q -- '-F _jobserver_exec jobserver-exec$' <<<"$out" || fail "bash: $out"
	out=$(zsh -fc 'autoload -U compinit; compinit -u -D -d /nonexistent/zcd
		print -r -- $_comps[jobserver-preload] $_comps[jobserver-exec]' 2>&1)
	[ "$out" = "_jobserver-preload _jobserver-preload" ] || fail "zsh's compinit found: $out"
	mkdir -p "$home/config" "$home/data"
	out=$(XDG_CONFIG_HOME=$home/config XDG_DATA_HOME=$home/data fish -c \
		'complete -C "jobserver-preload --ma"; complete -C "jobserver-exec ls --ver"' | cut -f1)
	[ "$out" = "--max
--version" ] || fail "fish completed: $out"
}

# A program that says its class, its PARALLELISM and which libjobserver-preload it loaded.
write_probe() {
	cat >"$work/probe.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(void)
{
	char line[4096];
	const char *p = getenv("PARALLELISM");
	FILE *f = fopen("/proc/self/maps", "r");

	printf("class=%d PARALLELISM=%s\n", (int)sizeof(void *) * 8, p ? p : "unset");
	while (f && fgets(line, sizeof line, f))
		if (strstr(line, "/libjobserver-preload.so")) {
			printf("lib%d=%s", (int)sizeof(void *) * 8, strchr(line, '/'));
			break;
		}
	return 0;
}
EOF
	gcc -O2 -o "$work/p64" "$work/probe.c"
	gcc -O2 -o "$work/tokens" tests/tools/tokens.c
	[ -n "$cross" ] || return 0
	i686-linux-gnu-gcc -O2 -o "$work/p32" "$work/probe.c"
	file "$work/p32" | grep -c 'ELF 32-bit.*Intel 80386.*dynamically linked' >/dev/null ||
		fail "p32 is not an i386 program"
}

# The 32-bit parts run on amd64 only, with the i386 packages (install-deps adds i386).
need_cross() {
	[ -n "$cross" ] && return
	echo "deb-check: no i386 beside $arch: the 32-bit checks are left out"
	return 1
}

# wrapped_make MAKE RECIPE...: make -j4 with the recipes, then the pool counted.
wrapped_make() {
	local make=$1 out
	shift
	{ printf 'all: run\n\t+@echo pool=$$(%s count)\nrun:\n' "$work/tokens"; printf '\t%s\n' "$@"; } >"$work/Makefile"
	out=$(cd "$work" && timeout -k 5 120 "$make" -j4 --no-print-directory 2>&1) || fail "$make: $out"
	grep -qx 'pool=3' <<<"$out" || fail "the pool of -j4 is not whole after: $out"
	! grep -Eq 'INTERNAL|ld\.so|ERROR' <<<"$out" || fail "$make: $out"
	printf '%s\n' "$out"
}

run_installed() {
	local make out l32=/usr/lib/i386-linux-gnu/jobserver-preload/libjobserver-preload.so
	local l64=/usr/lib/x86_64-linux-gnu/jobserver-preload/libjobserver-preload.so
	local readme='/usr/$LIB/jobserver-preload/libjobserver-preload.so' st=0
	write_probe
	need_cross || { wrapped_make /usr/bin/make "+@jobserver-preload $work/p64"; return; }
	for make in /usr/bin/make "$HOME/.cache/jobserver-preload/make-4.4.1/bin/make"; do
		[ -x "$make" ] || { [ "${CI:-}" != true ] || fail "no $make"; continue; }
		# The installed launcher: LD_PRELOAD through $LIB, each class its own library.
		out=$(wrapped_make "$make" "+@cd / && jobserver-preload sh -c 'echo \"LD_PRELOAD=\$\$LD_PRELOAD\"; $work/p64; $work/p32'")
		echo "$make -j4, the launcher: $(tr '\n' ' ' <<<"$out")"
		grep -qxF "LD_PRELOAD=$readme" <<<"$out" || fail "LD_PRELOAD is not $readme"
		grep -qx "lib64=$l64" <<<"$out" && grep -qx 'class=64 PARALLELISM=4' <<<"$out" || fail "64-bit: $out"
		grep -qx "lib32=$l32" <<<"$out" && grep -qx 'class=32 PARALLELISM=4' <<<"$out" || fail "32-bit: $out"
		# LD_PRELOAD as README.md says, without the launcher: the 32-bit program is
		# selected, and the i386 library claims in it and gives back.
		out=$(LD_PRELOAD=$readme JOBSERVER_PRELOAD_PROGRAMS=p32 JOBSERVER_PRELOAD_VERBOSE=1 \
			wrapped_make "$make" "+@$work/p32")
		echo "$make -j4, LD_PRELOAD=$readme, p32 selected: $(tr '\n' ' ' <<<"$out")"
		grep -qx 'class=32 PARALLELISM=4' <<<"$out" && grep -q '\]: claimed 3 tokens from' <<<"$out" ||
			fail "the 32-bit program did not claim"
	done
	# The control: the 64-bit library by its own path makes ld.so refuse it in the 32-bit
	# program, the very warning the checks above would see.
	out=$(LD_PRELOAD=$l64 "$work/p32" 2>&1)
	grep -q 'wrong ELF class' <<<"$out" || fail "ld.so no longer says 'wrong ELF class': $out"
	# The i386 launcher (static), unpacked with both libraries into a tree of its own.
	dpkg-deb -x "$(deb jobserver-preload "$cross")" "$work/root"
	dpkg-deb -x "$(deb libjobserver-preload "$cross")" "$work/root"
	dpkg-deb -x "$(deb libjobserver-preload "$arch")" "$work/root"
	out=$(wrapped_make /usr/bin/make "+@cd / && $work/root/usr/bin/jobserver-preload sh -c '$work/p64; $work/p32'")
	echo "the i386 launcher: $(tr '\n' ' ' <<<"$out")"
	grep -qx "lib64=$work/root$l64" <<<"$out" && grep -qx "lib32=$work/root$l32" <<<"$out" &&
		[ "$(grep -c 'PARALLELISM=4$' <<<"$out")" -eq 2 ] || fail "the i386 launcher: $out"
	(cd / && env -u MAKEFLAGS /usr/bin/jobserver-exec sh -c 'exit 3') || st=$?
	[ "$st" -eq 3 ] || fail "/usr/bin/jobserver-exec did not return the command's status 3 ($st)"
}
