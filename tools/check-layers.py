#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Fails when a crate's modules import each other in a circle.

    check-layers.py SOURCE_DIR

cargo keeps the crates layered (a crate cannot depend on one that depends on it); this keeps the
modules inside each crate layered the same way, so a reader can go bottom-up. For every module of
every crate (one file each) it collects the modules it names: `use crate::a::b`, `crate::a::b`
and `$crate::a::b` paths, and `super::` paths, resolved to the deepest module that exists. A
parent declaring its children (`mod x;`) is not an import; naming one of their items is. Comments
(so doc links), the crate root's `pub use` re-exports (a facade, not a use), and test modules (`#[cfg(test)] mod ...` and the files they pull in) are left out:
tests may look at anything. It prints each circle found as `a -> b -> a` and exits 1, else prints
the number of modules and imports checked and exits 0.
"""

import os
import re
import sys

CRATES = ["core/src", "emulator/src", "src", "cli/src", "derive/src", "tests/support/src"]


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def without_tests(text):
    """The file with its `#[cfg(test)]` items cut out, and the names of the test modules it
    declares in other files."""
    test_files = set(re.findall(r"#\[cfg\((?:all\()?test[^\]]*\]\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;", text))
    out = []
    i = 0
    for m in re.finditer(r"#\[cfg\((?:all\()?test[^\]]*\]\s*", text):
        if m.start() < i:
            continue
        out.append(text[i : m.start()])
        j = m.end()
        # The item that follows: up to its `;` or its balanced `{...}`.
        depth = 0
        while j < len(text):
            c = text[j]
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    j += 1
                    break
            elif c == ";" and depth == 0:
                j += 1
                break
            j += 1
        i = j
    out.append(text[i:])
    return "".join(out), test_files


def modules(root):
    """{module path (tuple): file} for the crate under root, without test modules."""
    lib = "lib.rs" if os.path.exists(os.path.join(root, "lib.rs")) else "main.rs"
    found = {}

    def visit(path, file):
        found[path] = file
        text, tests = without_tests(strip_comments(open(file, encoding="utf-8").read()))
        here = os.path.dirname(file)
        if os.path.basename(file) not in ("lib.rs", "main.rs", "mod.rs"):
            here = os.path.join(here, os.path.basename(file)[:-3])
        for m in re.finditer(r"^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;", text, re.M):
            name = m.group(1)
            if name in tests:
                continue
            for candidate in (os.path.join(here, name + ".rs"), os.path.join(here, name, "mod.rs")):
                if os.path.exists(candidate):
                    visit(path + (name,), candidate)
                    break

    visit((), os.path.join(root, lib))
    return found


def exported_macros(known):
    """{macro name: the module defining it}: `#[macro_export]` puts a macro at the crate root,
    but using it depends on the module that defines it."""
    where = {}
    for path, file in known.items():
        for name in re.findall(r"#\[macro_export\]\s*macro_rules!\s*(\w+)", open(file, encoding="utf-8").read()):
            where[name] = path
    return where


def imports(path, file, known, macros):
    text, _ = without_tests(strip_comments(open(file, encoding="utf-8").read()))
    if path == ():
        # The crate root is the crate's facade: what it re-exports is not what it uses.
        text = re.sub(r"^\s*pub use [^;]*;", "", text, flags=re.M)
    # `use` groups name several paths under one prefix: `use crate::a::{b, c::d}`.
    names = []
    for m in re.finditer(r"\buse\s+((?:\$?crate|super|self|\w+)(?:::\w+)*)::\{([^;]*)\};", text):
        prefix = m.group(1)
        for item in re.findall(r"(\w+(?:::\w+)*)", m.group(2)):
            names.append(prefix + "::" + item)
    names += re.findall(r"(?:\$crate|\bcrate|\bsuper(?:::super)*)(?:::\w+)+", text)
    # Paths relative to this module: its children by name (`use device::{..}`, `type3::Type3`).
    for child in {p[-1] for p in known if p and p[:-1] == path}:
        for m in re.finditer(r"(?<![\w:])" + child + r"((?:::\w+)+)", text):
            names.append("self::" + child + m.group(1))
    # A file's parent is its module path minus its own name.
    targets = set()
    for name in names:
        parts = name.lstrip("$").split("::")
        if parts[0] == "crate":
            base, rest = (), parts[1:]
        elif parts[0] == "self":
            base, rest = path, parts[1:]
        else:
            base = path
            while parts and parts[0] == "super":
                base = base[:-1]
                parts = parts[1:]
            rest = parts
        if base == () and rest and rest[0] in macros:
            target = macros[rest[0]]
            if target != path:
                targets.add(target)
            continue
        target = base
        for p in rest:
            if target + (p,) in known:
                target = target + (p,)
            else:
                break
        # Naming one's own items is no import; an ancestor's or a descendant's is.
        if target != path:
            targets.add(target)
    return targets


def cycles(graph):
    """Tarjan's strongly connected components of more than one module (or a self loop)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            strong(v)
    return out


def show(crate, path):
    return crate + ("::" + "::".join(path) if path else " (crate root)")


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "."
    failed = False
    n_modules = n_edges = 0
    for crate in CRATES:
        root = os.path.join(src, crate)
        if not os.path.isdir(root):
            continue
        known = modules(root)
        macros = exported_macros(known)
        graph = {path: imports(path, file, known, macros) for path, file in known.items()}
        n_modules += len(known)
        n_edges += sum(len(v) for v in graph.values())
        for comp in cycles(graph):
            failed = True
            members = set(comp)
            print(f"check-layers: {crate}: modules that import each other:")
            for v in comp:
                back = sorted(w for w in graph[v] if w in members)
                print(f"  {show(crate, v)} -> " + ", ".join(show(crate, w) for w in back))
    if failed:
        print("check-layers: FAIL - move what both sides need below both (see docs/architecture.md)")
        return 1
    print(f"check-layers: {n_modules} modules, {n_edges} imports between them, no circle")
    return 0


if __name__ == "__main__":
    sys.exit(main())
