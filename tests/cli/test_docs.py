#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# cxlmi's man pages and shell completions, as cxlmi-docs wrote them at build time and as
# tools/install-cli-docs.sh (meson install's script) installs them. Run by meson (suite `cli`) as:
#   test_docs.py DOCS_DIR PATH/TO/cxlmi
# Checks: a page for the tool and for every subcommand its --help lists, each rendered by man -l
# without a single groff warning; the bash completion sources and completes subcommands and
# options; zsh and fish read theirs (where installed); the install script puts everything where
# man, bash-completion, zsh and fish look.

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

docs, cxlmi = sys.argv[1], sys.argv[2]
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


help_text = subprocess.run([cxlmi, "--help"], capture_output=True, text=True, check=True).stdout
section = help_text.split("Commands:", 1)[1].split("Options:", 1)[0]
subcommands = [m.group(1) for m in re.finditer(r"^  (\w[\w-]*)\s", section, re.M) if m.group(1) != "help"]
check(len(subcommands) >= 10, f"cxlmi --help lists the subcommands ({len(subcommands)})")

pages = sorted(os.listdir(os.path.join(docs, "man")))
want = sorted(["cxlmi.1"] + [f"cxlmi-{s}.1" for s in subcommands])
check(pages == want, f"a page for the tool and each subcommand: {pages}")

if shutil.which("man") is None:
    check(False, "man is installed (man-db), to render the pages")
else:
    env = dict(os.environ, MANWIDTH="80", LC_ALL="C.UTF-8")
    for page in pages:
        p = subprocess.run(
            ["man", "--warnings", "-l", os.path.join(docs, "man", page)], capture_output=True, text=True, env=env
        )
        check(p.returncode == 0 and p.stderr == "" and "SYNOPSIS" in p.stdout, f"man -l {page}: {p.stderr.strip()!r}")
    sanitize = subprocess.run(
        ["man", "-l", os.path.join(docs, "man", "cxlmi-sanitize.1")], capture_output=True, text=True, env=env
    ).stdout
    check(
        "--force" in sanitize and "--abort-after" in sanitize, "the sanitize page has its options and the global ones"
    )

bash_script = os.path.join(docs, "completions", "cxlmi.bash")


def complete(*words):
    """What the bash completion offers for the command line `words` (the last one being completed)."""
    script = f'source "{bash_script}"; COMP_WORDS=({" ".join(shlex.quote(w) for w in words)}); '
    script += f"COMP_CWORD={len(words) - 1}; "
    # As bash calls it: the command, the word being completed, the word before it.
    script += 'COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}; '
    script += '_cxlmi cxlmi "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"; printf "%s\\n" "${COMPREPLY[@]}"'
    p = subprocess.run(["bash", "-c", script], capture_output=True, text=True)
    return p.returncode, p.stdout.split()


p = subprocess.run(["bash", "-c", f'source "{bash_script}" && complete -p cxlmi'], capture_output=True, text=True)
check(p.returncode == 0 and "cxlmi" in p.stdout, f"bash sources the completion: {p.stdout.strip()!r}")
rc, offered = complete("cxlmi", "san")
check(rc == 0 and offered == ["sanitize"], f"bash completes 'cxlmi san' to sanitize: {offered}")
rc, offered = complete("cxlmi", "sanitize", "--ab")
check(rc == 0 and "--abort-after" in offered, f"bash completes 'cxlmi sanitize --ab': {offered}")
rc, offered = complete("cxlmi", "-o", "")
check(rc == 0 and offered == ["normal", "json", "jsonl"], f"bash completes -o's values: {offered}")

for shell, file, args in (("zsh", "_cxlmi", ["-n"]), ("fish", "cxlmi.fish", ["--no-execute"])):
    if shutil.which(shell) is None:
        print(f"skip {shell}: not installed")
        continue
    p = subprocess.run([shell, *args, os.path.join(docs, "completions", file)], capture_output=True, text=True)
    check(p.returncode == 0, f"{shell} reads {file}: {p.stderr.strip()!r}")

installer = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "install-cli-docs.sh")
with tempfile.TemporaryDirectory() as root:
    prefix = os.path.join(root, "usr")
    env = dict(os.environ, MESON_INSTALL_DESTDIR_PREFIX=prefix)
    p = subprocess.run(["sh", installer, docs, "share/man", "share"], capture_output=True, text=True, env=env)
    check(p.returncode == 0, f"install-cli-docs.sh: {p.stderr.strip()!r}")
    installed = {
        "share/man/man1/cxlmi.1",
        "share/man/man1/cxlmi-sanitize.1",
        "share/bash-completion/completions/cxlmi",
        "share/zsh/site-functions/_cxlmi",
        "share/fish/vendor_completions.d/cxlmi.fish",
    }
    for path in sorted(installed):
        check(os.path.isfile(os.path.join(prefix, path)), f"installed {path}")
    count = len(os.listdir(os.path.join(prefix, "share/man/man1")))
    check(count == len(pages), f"every page installed ({count} of {len(pages)})")

print(f"{len(failures)} failed")
sys.exit(1 if failures else 0)
