#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The bash completion (completion/jobserver-preload.bash): the launcher's options as its
# --help lists them, and after the options the command line of the wrapped command, with
# bash-completion loaded (as installed) and without it. The zsh (_jobserver-preload) and
# fish (jobserver-preload.fish) completions do the same, each asked through its own shell:
# fish's `complete -C LINE`, and for zsh an interactive shell on a pseudo-terminal
# (tests/tools/zsh-complete.zsh) that types LINE and a TAB.

load helpers

COMPLETION=$BATS_TEST_DIRNAME/../../completion/jobserver-preload.bash
BASH_COMPLETION=/usr/share/bash-completion/bash_completion

# complete_words [--bc] WORD...: what bash would offer for the last WORD, one per line,
# sorted and unique. --bc loads bash-completion first, as an interactive shell has it.
complete_words() {
	local bc=
	if [ "$1" = --bc ]; then
		bc=$BASH_COMPLETION
		shift
	fi
	run bash -c '
		[ -z "$1" ] || source "$1" 2>/dev/null
		source "$2"
		shift 2
		COMP_WORDS=("$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE="${COMP_WORDS[*]}"
		COMP_POINT=${#COMP_LINE}
		case ${COMP_WORDS[0]} in
		*jobserver-exec) _jobserver_exec ;;
		*) _jobserver_preload ;;
		esac 2>/dev/null
		printf "%s\n" "${COMPREPLY[@]}" | sort -u' _ "$bc" "$COMPLETION" "$@"
	[ "$status" -eq 0 ]
}

need_bash_completion() {
	[ -f "$BASH_COMPLETION" ] && return
	[ "${CI:-}" != true ] || { echo "bash-completion is missing under CI" >&2; return 1; }
	skip "bash-completion is not installed"
}

# help_options: every option --help lists, long and short, and a short one without a long
# form (-I STR), one a line, sorted.
help_options() {
	"$JSP" --help | sed -nE -e 's/^ +((-[a-zA-Z]), )?(--[a-z-]+).*/\2\n\3/p' \
		-e 's/^ +(-[a-zA-Z]) [A-Z]+ .*/\1/p' | sed '/^$/d' | sort -u
}

@test "options: exactly the long and short options that --help lists" {
	local want
	want=$(help_options)
	grep -qx -- -I <<<"$want" # a short option alone, with its argument
	grep -qx -- --verbose <<<"$want"
	complete_words "$JSP" -
	echo "offered: $output"
	echo "wanted: $want"
	[ "$output" = "$want" ]
	complete_words "$JSP" --ver
	[ "$output" = "$(printf -- '--verbose\n--version')" ]
}

@test "the command after the options is completed as a command, without bash-completion" {
	complete_words "$JSP" -v mak
	grep -qx make <<<"$output"
	complete_words "$JSP" -- mak
	grep -qx make <<<"$output"
	# After the command the words are its own: files here, not our options.
	cd "$BATS_TEST_TMPDIR" && touch Makefile.in
	complete_words "$JSP" make Makefile.
	[ "$output" = Makefile.in ]
}

@test "with bash-completion, the wrapped command's own completion runs" {
	need_bash_completion
	complete_words --bc "$JSP" -v mak
	grep -qx make <<<"$output"
	# make's own completion offers its options: ours end at the command.
	complete_words --bc "$JSP" -v make --jo
	grep -qx -- --jobs <<<"$output"
	refute grep -qx -- --verbose <<<"$output"
	complete_words --bc jobserver-exec make --jo
	grep -qx -- --jobs <<<"$output"
}

@test "an option's argument is not taken for the command" {
	complete_words "$JSP" --max 3 mak
	grep -qx make <<<"$output"
	complete_words "$JSP" --max ''
	[ -z "$output" ]
	complete_words "$JSP" --export OMP_NUM
	[ "$output" = OMP_NUM_THREADS ]
	complete_words "$JSP" --export XZ
	[ "$output" = 'XZ_OPT=-T{}' ]
	complete_words "$JSP" -I {} mak
	grep -qx make <<<"$output"
	complete_words "$JSP" --default 4 --export XZ_OPT=-T{} mak
	grep -qx make <<<"$output"
	complete_words "$JSP" --min 4 --wait 0.5 mak
	grep -qx make <<<"$output"
	# --elastic and --no-elastic take none: the next word is the command.
	complete_words "$JSP" --elastic mak
	grep -qx make <<<"$output"
	complete_words "$JSP" --no-el
	[ "$output" = --no-elastic ]
	complete_words "$JSP" --fair mak # --fair and --no-fair take no argument
	grep -qx make <<<"$output"
	complete_words "$JSP" --no-f
	[ "$output" = --no-fair ]
	complete_words "$JSP" --wait ''
	[ -z "$output" ]
	# As readline gives them: split at each '='.
	complete_words "$JSP" --export XZ_OPT = -T{} --max = 3 mak
	grep -qx make <<<"$output"
}

@test "--report and --status run no command: only options follow them" {
	complete_words "$JSP" --report t.log ''
	grep -qx -- --svg <<<"$output"
	refute grep -qx make <<<"$output"
	complete_words "$JSP" --status --ver
	[ "$output" = --verbose$'\n'--version ]
	# --watch is --status too; --jobserver takes its SPEC, after which options go on.
	complete_words "$JSP" --watch ''
	grep -qx -- --json <<<"$output"
	refute grep -qx make <<<"$output"
	complete_words "$JSP" --status --jobserver 3,4 --wat # --wa is --wait too
	[ "$output" = --watch ]
	complete_words "$JSP" --status --jobserver ''
	refute grep -qx -- --watch <<<"$output"
}

# The options --help lists, long and short, one a line, sorted.

# fish_words LINE: what fish offers after LINE (the words only), sorted. The launcher is
# found in PATH, as when it is installed; a fresh config and data directory each time.
fish_words() {
	need_tool fish
	local home=$BATS_TEST_TMPDIR/fish
	mkdir -p "$home/config" "$home/data"
	run env PATH="$JSP_BUILD:$PATH" XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data" \
		fish -c 'source $argv[1]; complete -C $argv[2]' "$COMPLETION_DIR/jobserver-preload.fish" "$1"
	[ "$status" -eq 0 ]
	output=$(cut -f1 <<<"$output" | sort -u)
}

# zsh_words LINE: the same for zsh, with completion/ first in $fpath.
zsh_words() {
	need_tool zsh
	run env PATH="$JSP_BUILD:$PATH" timeout 60 zsh "$BATS_TEST_DIRNAME/../tools/zsh-complete.zsh" \
		"$COMPLETION_DIR" "$1"
	[ "$status" -eq 0 ]
}

COMPLETION_DIR=$BATS_TEST_DIRNAME/../../completion

@test "fish: exactly the options --help lists, and an option's argument" {
	local want
	want=$(help_options)
	fish_words 'jobserver-preload -'
	echo "offered: $output"
	[ "$output" = "$want" ]
	fish_words 'jobserver-preload --ver'
	[ "$output" = "$(printf -- '--verbose\n--version')" ]
	fish_words 'jobserver-preload --export OMP_NUM'
	[ "$output" = OMP_NUM_THREADS ]
	fish_words 'jobserver-preload --max '
	[ -z "$output" ]
	fish_words 'jobserver-preload --wait '
	[ -z "$output" ]
	fish_words 'jobserver-preload --el'
	[ "$output" = --elastic ]
	fish_words 'jobserver-preload --no-elastic mak'
	grep -qx make <<<"$output"
	mkdir "$BATS_TEST_TMPDIR/tdir" && touch "$BATS_TEST_TMPDIR/tdir/t.log"
	fish_words "jobserver-preload --trace $BATS_TEST_TMPDIR/tdir/t."
	[ "$output" = "$BATS_TEST_TMPDIR/tdir/t.log" ]
}

# case_after_options WORDS: WORDS (fish_words, zsh_words) completes the wrapped command with
# its own completion after our options, and jobserver-exec's whole line as a command.
case_after_options() {
	"$1" 'jobserver-preload -v mak'
	grep -qx make <<<"$output"
	for line in 'jobserver-preload --max 3 ls --ver' 'jobserver-preload --min 2 --wait 1 ls --ver' \
		'jobserver-preload --fair ls --ver' 'jobserver-preload --no-fair ls --ver' \
		'jobserver-preload -- ls --ver' \
		'jobserver-exec ls --ver'; do
		"$1" "$line"
		[ "$output" = --version ] || { echo "$line: $output" >&2; return 1; }
	done
	# Past the command, our options are not offered.
	"$1" 'jobserver-preload ls --verb'
	refute grep -qx -- --verbose <<<"$output"
}
@test "fish: after the options, the wrapped command's own completion; jobserver-exec has no options" { case_after_options fish_words; }

@test "zsh: exactly the options --help lists, and an option's argument" {
	local want
	want=$(help_options)
	zsh_words 'jobserver-preload --'
	echo "offered: $output"
	[ "$output" = "$(grep -- '^--' <<<"$want")" ]
	zsh_words 'jobserver-preload -'
	for opt in $want; do grep -qx -- "$opt" <<<"$output"; done
	zsh_words 'jobserver-preload --ver'
	[ "$output" = "$(printf -- '--verbose\n--version')" ]
	zsh_words 'jobserver-preload --export OMP_NUM'
	[ "$output" = OMP_NUM_THREADS ]
	zsh_words 'jobserver-preload --max '
	[ -z "$output" ]
	zsh_words 'jobserver-preload --wait '
	[ -z "$output" ]
	# One of --elastic and --no-elastic: the other is not offered after it.
	zsh_words 'jobserver-preload --el'
	[ "$output" = --elastic ]
	zsh_words 'jobserver-preload --elastic --no-el'
	[ -z "$output" ]
}

@test "zsh: after the options, the wrapped command's own completion; jobserver-exec has no options" { case_after_options zsh_words; }
