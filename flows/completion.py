"""``newsetl completion bash|zsh``: a shell completion script made from the CLI's parser."""

from __future__ import annotations

import argparse


def script(parser: argparse.ArgumentParser, shell: str) -> str:
    """A completion script for bash (or zsh, through bashcompinit), made from the parser:
    commands, each command's options, choices of --format, directories for --warehouse,
    files for SOURCE and --output."""
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    top = [o for a in parser._actions for o in a.option_strings]
    cases = []
    for name, cmd in sub.choices.items():
        opts = " ".join(o for a in cmd._actions for o in a.option_strings)
        words = [" ".join(a.choices) for a in cmd._actions if a.choices and not a.option_strings]
        if words:  # a positional with choices (completion's shell)
            cases.append(
                f'        {name}) [[ "$cur" == -* ]] || {{ COMPREPLY=($(compgen -W "{words[0]}"'
                f' -- "$cur")); return; }}; opts="{opts}" ;;'
            )
        else:
            cases.append(f'        {name}) opts="{opts}" ;;')
    choices = {
        o: " ".join(a.choices)
        for name, cmd in sub.choices.items()
        for a in cmd._actions
        if a.choices and a.option_strings
        for o in a.option_strings
    }
    choice_cases = "\n".join(
        f'        {o}) COMPREPLY=($(compgen -W "{words}" -- "$cur")); return ;;'
        for o, words in sorted(choices.items())
    )
    body = f"""# newsetl completion ({shell}): eval "$(newsetl completion {shell})"
_newsetl() {{
    local cur="${{COMP_WORDS[COMP_CWORD]}}" prev="${{COMP_WORDS[COMP_CWORD-1]}}"
    local cmd="" opts="" i
    for ((i = 1; i < COMP_CWORD; i++)); do
        case "${{COMP_WORDS[i]}}" in -*) ;; *) cmd="${{COMP_WORDS[i]}}"; break ;; esac
    done
    case "$prev" in
{choice_cases}
        --warehouse) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --output) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    esac
    case "$cmd" in
        "") COMPREPLY=($(compgen -W "{" ".join(sub.choices)} {" ".join(top)}" -- "$cur")); return ;;
{chr(10).join(cases)}
    esac
    if [[ "$cur" == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}}
complete -o filenames -F _newsetl newsetl
"""
    if shell == "zsh":
        body = "autoload -U +X bashcompinit && bashcompinit\n" + body
    return body
