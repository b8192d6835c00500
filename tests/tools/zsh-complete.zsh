#!/usr/bin/env zsh
# SPDX-License-Identifier: GPL-2.0-or-later
# zsh-complete.zsh FPATH_DIR LINE: what zsh's completion system offers after LINE, one match a
# line, sorted. An interactive zsh on a pseudo-terminal (zsh/zpty) loads compinit with
# FPATH_DIR first in $fpath, and a compadd that prints what it is given; LINE is typed, then
# TAB. Exit 1 if the shell did not answer within 20 s.
emulate -L zsh
zmodload zsh/zpty || exit 2
local dir=$1 line=$2 out= all= chunk

zpty -b comp zsh -f -i
zpty -w comp "PS1= PS2= RPS1=; unset zle_bracketed_paste; fpath=(${(q)dir} \$fpath)"
zpty -w comp 'autoload -U compinit; compinit -u -D -d /nonexistent/zcompdump'
# compadd is called by every completion function with the matches; print each between
# the bytes \1 and \2, which the echo of the typed definitions does not hold. Calls that
# only ask (-O, -A, -D) are passed on untouched.
zpty -w comp 'compadd() {
	if (( ${@[(I)-[OAD]]} )); then builtin compadd "$@"; return; fi
	local -a hits; builtin compadd -A hits "$@"
	local h; for h in $hits; do printf "\\1%s\\2\\n" "$h"; done
	builtin compadd "$@"
}'
zpty -w comp 'zstyle ":completion:*" list-prompt ""; zstyle ":completion:*" menu no; zstyle ":completion:*" verbose no'
# TAB completes, then prints \3: nothing is typed ahead, which zle would let cut a
# completion short.
zpty -w comp 'complete-then-mark() { zle complete-word; printf "\\3\\n"; }; zle -N complete-then-mark; bindkey "^I" complete-then-mark'
# Wait until the set-up has run: typed ahead of it, the line could be read before compinit.
zpty -w comp 'printf "\\4\\n"'
local -i t0=$SECONDS
while (( SECONDS - t0 < 20 )) && [[ $out != *$'\4'* ]]; do
	zpty -r -t comp chunk && out+=$chunk all+=$chunk || sleep 0.05
done
out=
zpty -n -w comp "$line"$'\t'
while (( SECONDS - t0 < 20 )); do
	zpty -r -t comp chunk && out+=$chunk all+=$chunk || sleep 0.05
	[[ $out == *$'\3'* ]] && break
done
zpty -d comp; [[ -n $ZC_DEBUG ]] && print -r -- "$all" | cat -v >&2
[[ $out == *$'\3'* ]] || { print -u2 "zsh-complete: no answer for: $line"; exit 1; }
setopt extended_glob
local -a hits=(${(M)${(f)out//$'\r'/}:#*$'\1'*$'\2'*})
print -rl -- ${(ou)${${hits#*$'\1'}%%$'\2'*}}
