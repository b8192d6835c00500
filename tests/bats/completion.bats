#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The bash completion (completion/jobserver-preload.bash): the launcher's options as its
# --help lists them, and after the options the command line of the wrapped command, with
# bash-completion loaded (as installed) and without it.

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

@test "options: exactly the long and short options that --help lists" {
	local want
	want=$("$JSP" --help | sed -nE 's/^ +((-[a-zA-Z]), )?(--[a-z-]+).*/\2\n\3/p' | sed '/^$/d' | sort -u)
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
	! grep -qx -- --verbose <<<"$output"
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
}

@test "--report and --status run no command: only options follow them" {
	complete_words "$JSP" --report t.log ''
	grep -qx -- --svg <<<"$output"
	! grep -qx make <<<"$output"
	complete_words "$JSP" --status --ver
	[ "$output" = --verbose$'\n'--version ]
}
