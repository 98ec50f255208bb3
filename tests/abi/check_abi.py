#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Check our C header and shared library against the reference ABI facts of upstream libcxlmi.

usage: check_abi.py --reference FILE --include DIR [--lib PATH] [--cxl2] [--show N]

  --reference FILE  the facts (tests/abi/reference.json, or reference-cxl2.json with --cxl2)
  --include DIR     the directory holding libcxlmi.h and cxlmi/ (our headers)
  --lib PATH        our built libcxlmi.so: its exported functions and SONAME are checked too
  --cxl2            compile with -DSUPPORT_CXL_2_0 (the reference must be the CXL 2.0 one)
  --show N          print at most N mismatches (default 50)

Every fact of the reference is one check:
  types      sizeof and alignment of each struct; offset and size of each field, fields of
             anonymous element types as `list[0].field`, flexible array members with their element
  enums      each enumerator's value, and the size of each named enum type
  macros     each integer macro's value; each other macro defined (function-like ones with the same
             number of parameters); the tunnel descriptor each tunnel helper macro yields
  functions  declared by the same header, with a prototype compatible with the reference one
             (the reference declaration is repeated after ours: a conflicting one does not compile)
  usage      the endpoint iterators and tunnel helpers compile as upstream documents them
  standalone each header compiles on its own with the flags upstream's compiles with (and as C++)
  library    each function is exported (a defined FUNC in the dynamic symbol table); the SONAME

The compiler is $CC (default cc), $CXX (default c++) for the C++ check, which is skipped when there
is no C++ compiler. Checks are batched into a handful of compiler runs; a batch that does not compile
is narrowed down with the compiler's error lines, then by halving.

Exit status: 0 when every check matches, 1 when any does not, 2 when the check cannot run. The last
line printed is `abi: N/M checks match`.
"""

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

HEAD = (
    "#include <stdio.h>\n#include <stddef.h>\n#include <stdint.h>\n#include <stdbool.h>\n"
    "#include <libcxlmi.h>\n#include <cxlmi/test.h>\n"
)
# what a program that includes only libcxlmi.h sees
HEAD_MAIN = "#include <stdio.h>\n#include <stddef.h>\n#include <stdint.h>\n#include <libcxlmi.h>\n"
CFLAGS = ["-std=gnu11", "-w"]


def cannot_run(msg):
    print(f"check_abi: {msg}", file=sys.stderr)
    print("abi: 0/0 checks match")
    sys.exit(2)


class Compiler:
    def __init__(self, cc, include, defs, tmp):
        self.cc, self.include, self.defs, self.tmp = cc, include, defs, tmp
        self.runs = 0

    def compile(self, name, text, link=False, extra=()):
        """Compile text (as NAME.c); return (ok, stderr, path of the object or program)."""
        src = os.path.join(self.tmp, name + ".c")
        with open(src, "w") as f:
            f.write(text)
        out = os.path.join(self.tmp, name + (".bin" if link else ".o"))
        cmd = [*self.cc, *CFLAGS, *extra, *self.defs, "-I", self.include, src, "-o", out]
        if not link:
            cmd.insert(len(self.cc), "-c")
        self.runs += 1
        try:
            r = subprocess.run(cmd, capture_output=True, text=True)
        except OSError as e:
            cannot_run(f"cannot run the compiler {self.cc[0]}: {e}")
        return r.returncode == 0, r.stderr, out


class TU:
    """A translation unit built line by line, remembering which check each line belongs to."""

    def __init__(self, head):
        self.lines = head.rstrip("\n").split("\n")
        self.where = {}  # line number (1-based) -> check

    def add(self, text, check=None):
        for ln in text.split("\n"):
            self.lines.append(ln)
            if check is not None:
                self.where[len(self.lines)] = check

    def build(self):
        return "\n".join(self.lines) + "\n", self.where


def error_lines(stderr, name):
    return {int(n) for n in re.findall(re.escape(name) + r"\.c:(\d+):\d+: (?:fatal )?error", stderr)}


def narrow(cc, name, items, build, on_ok):
    """Compile the items (each one line or more of a TU, built by build(items) -> (text, {line: item}));
    call on_ok(items, program) when they compile; return the items that do not compile."""
    if not items:
        return []
    text, where = build(items)
    ok, err, out = cc.compile(name, text, link=on_ok is not None)
    if ok:
        if on_ok:
            on_ok(items, out)
        return []
    bad = {where[ln] for ln in error_lines(err, name) if ln in where}
    if bad:
        return list(bad) + narrow(cc, name, [i for i in items if i not in bad], build, on_ok)
    if len(items) == 1:
        return list(items)
    h = len(items) // 2
    return narrow(cc, name, items[:h], build, on_ok) + narrow(cc, name, items[h:], build, on_ok)


def decl(name, f):
    ret = f["returns"]
    params = ", ".join(f["params"]) or "void"
    return f"extern {ret}{'' if ret.endswith('*') else ' '}{name}({params});"


def main():
    ap = argparse.ArgumentParser(description="Check the C header and library against the reference ABI.")
    ap.add_argument("--reference", required=True)
    ap.add_argument("--include", required=True)
    ap.add_argument("--lib")
    ap.add_argument("--cxl2", action="store_true")
    ap.add_argument("--show", type=int, default=50)
    a = ap.parse_args()

    try:
        with open(a.reference) as f:
            ref = json.load(f)
    except (OSError, ValueError) as e:
        cannot_run(f"cannot read the reference {a.reference}: {e}")
    ref_cxl2 = ref.get("about", {}).get("mode", "").startswith("cxl2")
    if ref_cxl2 != a.cxl2:
        cannot_run(
            f"{a.reference} holds the {'CXL 2.0' if ref_cxl2 else 'default'} layouts; "
            f"{'add' if ref_cxl2 else 'drop'} --cxl2"
        )
    include = os.path.abspath(a.include)
    if not os.path.isfile(os.path.join(include, "libcxlmi.h")):
        cannot_run(f"no libcxlmi.h in {include}")
    cc = shlex.split(os.environ.get("CC") or "cc")
    if not shutil.which(cc[0]):
        cannot_run(f"no C compiler ({cc[0]}); set CC")
    defs = ["-DSUPPORT_CXL_2_0"] if a.cxl2 else []
    about = ref.get("about", {})
    print(
        f"check_abi: {include} against upstream libcxlmi {about.get('commit', '?')[:12]} "
        f"({about.get('mode', '?')} layouts)"
    )
    target = subprocess.run([*cc, "-dumpmachine"], capture_output=True, text=True).stdout.strip()
    if about.get("target") and target and target != about["target"]:
        print(f"check_abi: note: the reference was gathered on {about['target']}, this compiler targets {target}")

    mismatches = []
    total = 0
    with tempfile.TemporaryDirectory(prefix="check-abi-") as tmp:
        c = Compiler(cc, include, defs, tmp)

        ok, err, _ = c.compile("header", HEAD + "int main(void) { return 0; }\n")
        if not ok:
            print("check_abi: the headers do not compile:\n" + err[:3000], file=sys.stderr)
            print("abi: 0/1 checks match")
            return 1

        # ---- values: one program prints every number ------------------------------------------
        probes = []  # (label, expected, expression or (declaration, expression))
        for t, d in sorted(ref["types"].items()):
            probes.append((f"{t}: sizeof", d["size"], f"sizeof({t})"))
            probes.append((f"{t}: alignment", d["align"], f"__alignof__({t})"))
            for path, off, size in d["fields"]:
                probes.append((f"{t}.{path}: offset", off, f"__builtin_offsetof({t}, {path})"))
                if size is not None:
                    probes.append((f"{t}.{path}: size", size, f"sizeof((({t} *)0)->{path})"))
        for e, v in sorted(ref["enums"].items()):
            probes.append((f"enum value {e}", v, e))
        for t, v in sorted(ref.get("enum_sizes", {}).items()):
            probes.append((f"{t}: sizeof", v, f"sizeof({t})"))
        macros = ref.get("macros", {})
        for m, v in sorted(macros.get("integer", {}).items()):
            probes.append((f"macro {m}", v, m))
        for key, fields in sorted(macros.get("tunnel_values", {}).items()):
            m = re.match(r"(\w+)\(t\b", key)
            if m:  # a declaring macro: DEFINE_...(t, ...) declares t
                pre, var = key.replace("(t", "(tv_", 1) + "; ", "(&tv_)"
            else:
                pre, var = "", f"((struct cxlmi_tunnel_info *)({key}))"
            if fields is None:
                probes.append((f"macro {key}: a null tunnel pointer", 1, (pre, f"{var} == 0")))
                continue
            for fname, v in sorted(fields.items()):
                probes.append((f"macro {key}: .{fname}", v, (pre, f"{var} ? {var}->{fname} : -12345")))

        results = {}

        def build_values(items):
            tu = TU(HEAD)
            tu.add("int main(void)\n{")
            for i in items:
                expr = probes[i][2]
                pre, expr = expr if isinstance(expr, tuple) else ("", expr)
                tu.add(f'\t{{ {pre}printf("%d %lld\\n", {i}, (long long)({expr})); }}', i)
            tu.add("\treturn 0;\n}")
            return tu.build()

        def run_values(items, prog):
            r = subprocess.run([prog], capture_output=True, text=True)
            if r.returncode:
                print(f"check_abi: the probe program failed (exit {r.returncode}): {r.stderr.strip()[:300]}")
            for ln in r.stdout.splitlines():
                i, v = ln.split()
                results[int(i)] = int(v)

        narrow(c, "values", list(range(len(probes))), build_values, run_values)
        for i, (label, want, _) in enumerate(probes):
            got = results.get(i)
            if got is None:
                mismatches.append(f"{label}: missing (does not compile, or the probe program failed)")
            elif got != want:
                mismatches.append(f"{label}: expected {want}, found {got}")
        total += len(probes)

        # ---- functions: declared by the right header, prototype compatible ---------------------
        funcs = ref.get("functions", {})
        for header, head in (("libcxlmi.h", HEAD_MAIN), ("cxlmi/test.h", HEAD)):
            names = sorted(n for n, f in funcs.items() if f.get("header", "libcxlmi.h") == header)

            def build_funcs(items, head=head):
                # first every name must be declared already, then the reference declaration follows ours
                tu = TU(head)
                for n in items:
                    tu.add(f"typedef __typeof__(&{n}) chk_{n}_t;", n)
                for n in items:
                    tu.add(decl(n, funcs[n]), n)
                return tu.build()

            for n in narrow(c, "functions", names, build_funcs, None):
                f = funcs[n]
                mismatches.append(
                    f"function {n}: not declared by {header}, or its prototype conflicts with '{decl(n, f)}'"
                )
            total += len(names)

        # ---- other macros: defined, function-like ones with the same parameters -------------------
        mchecks = [(m, None) for m in macros.get("object", [])]
        mchecks += sorted((m, tuple(ps)) for m, ps in macros.get("function", {}).items())

        def build_macros(items):
            tu = TU(HEAD)
            tu.add("#define CHK_STR(...) #__VA_ARGS__\n#define CHK_XSTR(...) CHK_STR(__VA_ARGS__)")
            for n, (m, params) in enumerate(items):
                tu.add(f"#ifndef {m}\n#error {m} is not defined\n#endif", (m, params))
                if params is not None:
                    args = ", ".join(str(k + 1) for k in range(len(params)))
                    # not expanded without arguments (so function-like), and takes this many
                    tu.add(
                        f'_Static_assert(sizeof(CHK_XSTR({m})) == sizeof("{m}"), "{m}"); '
                        f"static const char chk_{n}[] = CHK_XSTR({m}({args}));",
                        (m, params),
                    )
            return tu.build()

        for m, params in narrow(c, "macros", mchecks, build_macros, None):
            n = len(params or ())
            what = "defined" if params is None else f"a function-like macro of {n} parameter{'s' if n != 1 else ''}"
            mismatches.append(f"macro {m}: not {what}")
        total += len(mchecks)

        # ---- usage as documented ----------------------------------------------------------------
        fmacros = macros.get("function", {})
        if "cxlmi_for_each_endpoint" in fmacros or "cxlmi_for_each_endpoint_safe" in fmacros:
            body = [
                HEAD,
                "void chk_iterate(struct cxlmi_ctx *ctx)",
                "{",
                "\tstruct cxlmi_endpoint *ep, *next;",
                "\tint n = 0;",
            ]
            if "cxlmi_for_each_endpoint" in fmacros:
                body.append("\tcxlmi_for_each_endpoint(ctx, ep) n++;")
            if "cxlmi_for_each_endpoint_safe" in fmacros:
                body.append("\tcxlmi_for_each_endpoint_safe(ctx, ep, next) { n++; cxlmi_close(ep); }")
            body += ["\t(void)n;", "}", ""]
            tunnels = macros.get("tunnel_values", {})
            body += [
                "int chk_tunnel(struct cxlmi_endpoint *ep, struct cxlmi_cmd_identify_rsp *id)",
                "{",
                "\tint rc = 0;",
            ]
            for key, fields in sorted(tunnels.items()):
                if re.match(r"\w+\(t\b", key):
                    body.append(f"\t{{ {key}; rc |= cxlmi_cmd_identify(ep, &t, id); }}")
                else:
                    body.append(f"\trc |= cxlmi_cmd_identify(ep, {key}, id);")
            body += ["\treturn rc;", "}", ""]
            ok, err, _ = c.compile(
                "usage",
                "\n".join(body),
                extra=[
                    "-Werror=incompatible-pointer-types",
                    "-Werror=implicit-function-declaration",
                    "-Werror=int-conversion",
                ],
            )
            total += 1
            if not ok:
                errs = " | ".join(ln for ln in err.splitlines() if "error" in ln)
                mismatches.append(f"usage: the iterator and tunnel macros do not compile as documented: {errs[:500]}")

        # ---- standalone compiles ------------------------------------------------------------------
        cxx = shlex.split(os.environ.get("CXX") or "c++")
        for s in ref.get("standalone", []):
            text = "".join(f"#include <{h}>\n" for h in s["include"]) + "int main(void) { return 0; }\n"
            what = f"{' + '.join(s['include'])} compiles on its own as {s['lang'].upper()} ({' '.join(s['flags'])})"
            if s["lang"] == "c":
                src = os.path.join(tmp, "alone.c")
                comp = cc
            else:
                if not shutil.which(cxx[0]):
                    print(f"check_abi: note: skipped, no C++ compiler ({cxx[0]}): {what}")
                    continue
                src = os.path.join(tmp, "alone.cc")
                comp = cxx
            with open(src, "w") as f:
                f.write(text)
            r = subprocess.run(
                [*comp, *s["flags"], *defs, "-I", include, "-c", src, "-o", os.path.join(tmp, "alone.o")],
                capture_output=True,
                text=True,
            )
            c.runs += 1
            total += 1
            if r.returncode:
                errs = " | ".join(ln for ln in r.stderr.splitlines() if "error" in ln)
                mismatches.append(f"standalone: {what}: no: {errs[:400]}")

        # ---- the library --------------------------------------------------------------------------
        lib = ref.get("library", {})
        if a.lib:
            total += len(lib.get("symbols", [])) + 1
            if not os.path.isfile(a.lib):
                mismatches.append(f"library {a.lib} does not exist")
                mismatches += [f"symbol {s}: not exported" for s in lib.get("symbols", [])]
            else:
                exported = {}
                r = subprocess.run(["readelf", "--dyn-syms", "-W", a.lib], capture_output=True, text=True)
                if r.returncode:
                    cannot_run(f"readelf --dyn-syms {a.lib} failed: {r.stderr.strip()}")
                for ln in r.stdout.splitlines():
                    p = ln.split()
                    if len(p) >= 8 and p[0].endswith(":") and p[6] != "UND" and p[4] in ("GLOBAL", "WEAK"):
                        exported[p[7].split("@")[0]] = p[3]
                for s in lib.get("symbols", []):
                    if s not in exported:
                        mismatches.append(f"symbol {s}: not exported by {os.path.basename(a.lib)}")
                    elif exported[s] not in ("FUNC", "IFUNC"):
                        mismatches.append(f"symbol {s}: exported as {exported[s]}, not a function")
                r = subprocess.run(["readelf", "-d", a.lib], capture_output=True, text=True)
                m = re.search(r"\(SONAME\)\s+Library soname: \[(.*)\]", r.stdout)
                got = m.group(1) if m else None
                if got != lib.get("soname"):
                    mismatches.append(f"soname: expected {lib.get('soname')}, found {got}")
        else:
            print("check_abi: note: no --lib, the exported symbols and SONAME are not checked")

        for line in mismatches[: a.show]:
            print("mismatch:", line)
        if len(mismatches) > a.show:
            print(f"... and {len(mismatches) - a.show} more mismatches")
        print(f"check_abi: {c.runs} compiler runs")
    print(f"abi: {total - len(mismatches)}/{total} checks match")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
