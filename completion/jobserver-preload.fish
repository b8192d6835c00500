# SPDX-License-Identifier: GPL-2.0-or-later
# fish completion for jobserver-preload and jobserver-exec. Installed as
# share/fish/vendor_completions.d/jobserver-preload.fish and .../jobserver-exec.fish, where
# fish loads <command>.fish on the first completion of that command; one file serves both.
#
# As the bash completion: the options come from the launcher's own --help, so they are
# always the ones this launcher has (an option column entry followed by an upper-case word,
# --max N, takes an argument); after the options, the rest of the line is completed as a
# command line of its own, as for env, nice or sudo.

# Loaded once for both names.
functions -q __jobserver_preload_no_command; and return

# jobserver-exec takes no options: every word is the command line.
complete -c jobserver-exec -f -a '(__fish_complete_subcommand)'

# Succeeds while the words before the cursor are all options (or their arguments, for the
# options in $argv): no command yet, so an option may follow.
function __jobserver_preload_no_command
    set -l words (commandline -opc)
    set -e words[1]
    set -l skip 0
    for w in $words
        if test $skip = 1
            set skip 0
        else if test "$w" = --
            return 1
        else if contains -- $w $argv
            set skip 1
        else if not string match -q -- '-*' $w
            return 1
        end
    end
end

# Completes the command line that starts after the options (the options that take an
# argument are in $argv), with that command's own completion.
function __jobserver_preload_command
    set -l words (commandline -opc) (commandline -ct)
    set -e words[1]
    while set -q words[1]
        if test "$words[1]" = --
            set -e words[1]
            break
        else if not string match -q -- '-*' $words[1]
            break
        else if not set -q words[2]
            return # an option being typed: the options complete it
        else if contains -- $words[1] $argv
            set -e words[1..2]
        else
            set -e words[1]
        end
    end
    # Nothing left: the word is an option's argument, which that option completes.
    set -q words[1]; and __fish_complete_subcommand --commandline $words
end

function __jobserver_preload_complete_options
    set -l argopts
    set -l specs
    for line in (env LC_ALL=C jobserver-preload --help 2>/dev/null)
        string match -qr -- '^\s+-' $line; or continue
        set -l col (string trim -l -- $line)
        set -l desc (string replace -r -- '^\S.*?\s{2,}' '' $col)
        set col (string replace -r -- '\s{2,}.*' '' $col)
        set -l toks (string split -n ' ' -- (string replace -a , ' ' -- $col))
        for i in (seq (count $toks))
            string match -q -- '-*' $toks[$i]; or continue
            set -l next $toks[(math $i + 1)]
            set -l takes (string match -qr -- '^[A-Z][A-Z_.]*(\[.*\])?$' "$next"; and echo 1)
            set -a specs "$toks[$i]"\t"$takes"\t"$desc"
            test -n "$takes"; and set -a argopts $toks[$i]
        end
    end
    for spec in $specs
        set -l f (string split \t -- $spec)
        set -l name (string replace -r -- '^-+' '' $f[1])
        set -l flag -s
        string match -q -- '--*' $f[1]; and set flag -l
        set -l args -f
        if test -n "$f[2]"
            switch $f[1]
                case --export
                    set args -x -a 'OMP_NUM_THREADS CMAKE_BUILD_PARALLEL_LEVEL CTEST_PARALLEL_LEVEL MAKE_JOBS PYTEST_XDIST_AUTO_NUM_WORKERS'
                case --trace --report --svg '--*file' '--*out*'
                    set args -r -F
                case '*' # a number (--max): nothing to offer, not even file names
                    set args -x
            end
        end
        complete -c jobserver-preload $flag $name $args -d $f[3] \
            -n "__jobserver_preload_no_command $argopts"
    end
    complete -c jobserver-preload -f -a "(__jobserver_preload_command $argopts)"
end
__jobserver_preload_complete_options
functions -e __jobserver_preload_complete_options
