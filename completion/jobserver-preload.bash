# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for jobserver-preload and jobserver-exec. Installed as
# share/bash-completion/completions/jobserver-preload (and .../jobserver-exec), where
# bash-completion loads it on first use; or source it by hand.
#
# The options come from the launcher's own --help, so they are always the ones this
# launcher has: an option column entry followed by an upper-case word (--max N) takes an
# argument. After the options, the rest of the line is completed as a command line of
# its own, as for env, nice or sudo.

# Prints "OPTION ARG?" lines for the options that `$1 --help` lists.
_jobserver_preload_parse_help()
{
	local line col tok
	local -a toks
	while IFS= read -r line; do
		[[ $line =~ ^[[:space:]]+- ]] || continue
		col=${line#"${line%%[![:space:]]*}"} # strip the indent
		col=${col%%"  "*}                     # the option column ends at two blanks
		col=${col//[\[\],]/ }
		read -ra toks <<<"$col"
		for ((tok = 0; tok < ${#toks[@]}; tok++)); do
			[[ ${toks[tok]} == -* ]] || continue
			if [[ ${toks[tok + 1]-} =~ ^[A-Z][A-Z_.]*$ ]]; then
				printf '%s arg\n' "${toks[tok]%%=*}"
			else
				printf '%s\n' "${toks[tok]}"
			fi
		done
	done < <(LC_ALL=C "$1" --help 2>/dev/null)
}

_jobserver_preload()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local cmd=${COMP_WORDS[0]} i opt arg alone=
	local -a opts=() argopts=()

	COMPREPLY=()
	while read -r opt arg; do
		opts+=("$opt")
		[[ -n $arg ]] && argopts+=("$opt")
	done < <(_jobserver_preload_parse_help "$cmd")

	# Options end at the first word that is not one (getopt's '+'), or after "--".
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--) ((i++)); break ;;
		--*=*) ;;
		--report | --status | --watch) alone=1 ;;&
		-*) # Readline splits a word at '=' (COMP_WORDBREAKS): --max=3 comes as
			# "--max" "=" "3", and --export NAME=TEMPLATE's argument as three words.
			if [[ ${COMP_WORDS[i + 1]-} == = ]]; then
				((i += 2))
			elif [[ " ${argopts[*]} " == *" ${COMP_WORDS[i]} "* ]]; then
				((i++))
				[[ ${COMP_WORDS[i + 1]-} != = ]] || ((i += 2))
			fi ;;
		*) break ;;
		esac
	done
	if ((i < COMP_CWORD)) || [[ ${COMP_WORDS[i - 1]} == -- && i == COMP_CWORD ]]; then
		_jobserver_preload_command "$i"
		return
	fi

	if [[ " ${argopts[*]} " == *" $prev "* ]]; then
		case $prev in
		--export)
			# Names that take the count alone, and the templates of the user guide's table.
			COMPREPLY=($(compgen -W "OMP_NUM_THREADS OPENBLAS_NUM_THREADS \
				CMAKE_BUILD_PARALLEL_LEVEL CTEST_PARALLEL_LEVEL MAKE_JOBS \
				PYTEST_XDIST_AUTO_NUM_WORKERS ZSTD_NBTHREADS XZ_OPT=-T{} PARALLEL=-j{}" \
				-- "$cur")) ;;
		--trace | --report | --svg | --*file | --*out*)
			COMPREPLY=($(compgen -f -- "$cur")) ;;
		*) # a number (--max): nothing to offer, not even file names
			compopt +o default +o bashdefault 2>/dev/null ;;
		esac
		return
	fi
	# --report, --status and --watch run no command: only options follow them.
	if [[ $cur == -* || -n $alone ]]; then
		COMPREPLY=($(compgen -W "${opts[*]}" -- "$cur"))
		return
	fi
	_jobserver_preload_command "$i"
}

# Completes the words from index $1 on as a command line of their own.
_jobserver_preload_command()
{
	if declare -F _command_offset >/dev/null; then
		_command_offset "$1" # bash-completion: the command's own completion
	elif (($1 == COMP_CWORD)); then
		COMPREPLY=($(compgen -c -- "${COMP_WORDS[COMP_CWORD]}"))
	else
		COMPREPLY=($(compgen -f -- "${COMP_WORDS[COMP_CWORD]}"))
	fi
}

# jobserver-exec takes no options: every word is the command line.
_jobserver_exec()
{
	COMPREPLY=()
	_jobserver_preload_command 1
}

complete -F _jobserver_preload -o bashdefault -o default jobserver-preload
complete -F _jobserver_exec -o bashdefault -o default jobserver-exec
