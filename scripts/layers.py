#!/usr/bin/env python3
"""Check the import layers of src/: no import from a lower layer to a higher
one, and no import circle spanning files or top-level modules.

Why: the layers are the architecture (see LAYERS below, lowest first). A
lower layer that reaches up, or two files that need each other, make the
code read in no order and change in every place at once.

How: every Rust file under src/ is read with comments, strings and character
literals blanked out. Its `use` trees and the paths in its code that start
with `crate`, `super`, `self`, `logreg` (the library, from the binary), a
child module or a module imported by `use` are resolved through the module
tree (`mod` declarations, inline `mod x { }` blocks included) and through
`use` re-exports to the file that defines the item. Unit tests count as
their file's code. An import of a file in a higher layer is an error; so is
a cycle of imports between files (re-exports are resolved through, so a
`mod.rs` that re-exports a child does not form one), or between the
top-level modules (`glm`, `nn`, ...) of one layer.

    scripts/layers.py [SRC]      exit 0 when clean, 1 listing each offence
"""
import re
import sys
from collections import defaultdict
from pathlib import Path

# Lowest first. A file may import its own layer's files and any lower
# layer's. Top-level modules of the library, by name; every file of the
# binary (main.rs, cli/) is the top layer.
LAYERS = [
    ("base", ["error_kind", "setting", "numfmt", "runtime", "math"]),
    ("spec", ["spec"]),
    ("data", ["data", "simulate"]),
    ("fit", ["glm", "nn"]),
    ("use", ["model", "compare"]),
    ("study", ["study"]),
    ("plot", ["plot"]),
    ("cli", []),
]
BIN_LAYER = "cli"
# Test-only files of the library that hold reference values: any layer may
# use them from its tests.
TEST_ORACLES = {"reference_values"}

RANK = {name: i for i, (name, _) in enumerate(LAYERS)}
MODULE_LAYER = {m: name for name, mods in LAYERS for m in mods}


def blank(text):
    """The text with comments, string and character literals replaced by
    spaces (line breaks kept), so that offsets and lines stay the same."""
    out = list(text)
    n = len(text)
    i = 0

    def wipe(a, b):
        for j in range(a, b):
            if out[j] != "\n":
                out[j] = " "

    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            wipe(i, j)
            i = j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            wipe(i, j)
            i = j
        elif c in "rb" and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            m = re.match(r'(?:br|r|b)(#*)"', text[i:])
            if m and (m.group(0).startswith(("r", "br"))):
                hashes = m.group(1)
                end = text.find('"' + hashes, i + len(m.group(0)))
                end = n if end < 0 else end + 1 + len(hashes)
                wipe(i, end)
                i = end
            elif text.startswith('b"', i) or text.startswith("b'", i):
                i += 1  # the literal itself is handled next round
            else:
                i += 1
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            wipe(i, j + 1)
            i = j + 1
        elif c == "'":
            if text.startswith("\\", i + 1):
                j = text.find("'", i + 3 if text.startswith("\\'", i + 1) else i + 2)
                j = n if j < 0 else j
                wipe(i, j + 1)
                i = j + 1
            elif i + 2 < n and text[i + 2] == "'":
                wipe(i, i + 3)
                i += 3
            else:
                i += 1  # a lifetime or a label
        else:
            i += 1
    return "".join(out)


TOKEN = re.compile(r"\s*(::|[{},*;]|[A-Za-z_][A-Za-z0-9_]*)")


def use_leaves(tree, base):
    """The leaves of a `use` tree starting at offset `base`: (segments,
    alias, offset, glob) for each imported name."""
    toks = []
    pos = 0
    while pos < len(tree):
        m = TOKEN.match(tree, pos)
        if not m:
            pos += 1
            continue
        toks.append((m.group(1), base + m.start(1)))
        pos = m.end()
    leaves = []

    def parse(i, prefix):
        segs = list(prefix)
        start = toks[i][1] if i < len(toks) else base
        while i < len(toks):
            t, at = toks[i]
            if t == "::":
                i += 1
            elif t == "{":
                i += 1
                while i < len(toks) and toks[i][0] != "}":
                    if toks[i][0] == ",":
                        i += 1
                        continue
                    i = parse(i, segs)
                return i + 1
            elif t == "*":
                leaves.append((segs, None, at, True))
                return i + 1
            elif t in (",", "}"):
                break
            else:
                if t == "self" and segs:
                    i += 1
                    continue
                segs = segs + [t]
                if start is None:
                    start = at
                i += 1
                if i < len(toks) and toks[i][0] == "as":
                    alias = toks[i + 1][0]
                    leaves.append((segs, alias, at, False))
                    return i + 2
                if i < len(toks) and toks[i][0] == "::":
                    continue
                leaves.append((segs, segs[-1], at, False))
                return i
        return i

    i = 0
    while i < len(toks):
        i = parse(i, [])
        while i < len(toks) and toks[i][0] == ",":
            i += 1
    return leaves


USE = re.compile(r"\b(pub\s*(?:\([^)]*\))?\s*)?use\s+([^;]*);")
MOD_DECL = re.compile(r"\bmod\s+([A-Za-z_][A-Za-z0-9_]*)\s*([;{])")
PATH = re.compile(r"(?<![A-Za-z0-9_:])((?:[A-Za-z_][A-Za-z0-9_]*\s*::\s*)+[A-Za-z_][A-Za-z0-9_]*)")


class File:
    def __init__(self, path, rel, crate, modpath):
        self.path = path
        self.rel = rel
        self.crate = crate
        self.modpath = tuple(modpath)
        self.text = blank(path.read_text())
        self.lines = [0]
        for m in re.finditer("\n", self.text):
            self.lines.append(m.end())
        # Inline `mod x { }` blocks: (start, end, name).
        self.inline = []
        self.children = set()
        for m in MOD_DECL.finditer(self.text):
            if m.group(2) == ";":
                self.children.add(m.group(1))
                continue
            depth, j = 1, m.end()
            while j < len(self.text) and depth:
                depth += {"{": 1, "}": -1}.get(self.text[j], 0)
                j += 1
            self.inline.append((m.start(), j, m.group(1)))
        # `#[cfg(test)]` items: (start, end), and child modules that are
        # test-only files.
        self.tests = []
        self.test_children = set()
        self.test_only = False
        for m in re.finditer(r"#\[cfg\(test\)\]", self.text):
            j = m.end()
            while True:
                a = re.match(r"\s*#\[[^\]]*\]", self.text[j:])
                if not a:
                    break
                j += a.end()
            decl = re.match(r"\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;", self.text[j:])
            if decl:
                self.test_children.add(decl.group(1))
                continue
            depth, k = 0, j
            while k < len(self.text):
                c = self.text[k]
                if c in "([":
                    depth += 1
                elif c in ")]":
                    depth -= 1
                elif c == ";" and depth == 0:
                    break
                elif c == "{" and depth == 0:
                    braces = 1
                    k += 1
                    while k < len(self.text) and braces:
                        braces += {"{": 1, "}": -1}.get(self.text[k], 0)
                        k += 1
                    break
                k += 1
            self.tests.append((m.start(), k + 1))

    def in_test(self, offset):
        return self.test_only or any(a <= offset < b for a, b in self.tests)

    def line(self, offset):
        lo, hi = 0, len(self.lines)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if self.lines[mid] <= offset:
                lo = mid
            else:
                hi = mid
        return lo + 1

    def module_at(self, offset):
        inner = [name for a, b, name in sorted(self.inline) if a <= offset < b]
        return self.modpath + tuple(inner)


def load(src):
    """Every file of the two crates, keyed by (crate, module path)."""
    files = {}

    def walk(crate, path, modpath, dirpath, test_only):
        f = File(path, path.relative_to(src.parent).as_posix(), crate, modpath)
        f.test_only = test_only
        files[(crate, f.modpath)] = f
        for child in sorted(f.children):
            for cand in (dirpath / f"{child}.rs", dirpath / child / "mod.rs"):
                if cand.exists():
                    walk(crate, cand, modpath + [child], dirpath / child,
                         test_only or child in f.test_children)
                    break

    walk("lib", src / "lib.rs", [], src, False)
    if (src / "main.rs").exists():
        walk("bin", src / "main.rs", [], src, False)
    return files


class Graph:
    def __init__(self, files):
        self.files = files
        # (crate, module path) -> file, inline modules included.
        self.modules = {}
        for f in files.values():
            self.modules[(f.crate, f.modpath)] = f
            for a, b, name in f.inline:
                self.modules[(f.crate, f.module_at(a + 1))] = f
        # (crate, module path) -> {name: (crate, absolute segments)}
        self.names = defaultdict(dict)
        self.globs = defaultdict(list)
        self.uses = []
        for f in files.values():
            for m in USE.finditer(f.text):
                public = bool(m.group(1))
                for segs, alias, at, glob in use_leaves(m.group(2), m.start(2)):
                    mod = f.module_at(at)
                    target = self.absolute(f, mod, segs, use=True)
                    if target is None:
                        continue
                    self.uses.append((f, at, target, public))
                    if glob:
                        self.globs[(f.crate, mod)].append(target)
                    else:
                        self.names[(f.crate, mod)][alias] = target

    def absolute(self, f, mod, segs, use=False):
        """(crate, segments from its root) of a path written in `mod` of
        file `f`, or None for another crate's path."""
        head = segs[0]
        if head == "crate":
            return (f.crate, list(segs[1:]))
        if head == "logreg" and f.crate == "bin":
            return ("lib", list(segs[1:]))
        if head == "self":
            return (f.crate, list(mod) + list(segs[1:]))
        if head == "super":
            up = list(mod)
            rest = list(segs)
            while rest and rest[0] == "super":
                up = up[:-1]
                rest = rest[1:]
            return (f.crate, up + rest)
        if (f.crate, tuple(mod) + (head,)) in self.modules:
            return (f.crate, list(mod) + list(segs))
        if not use:
            # A name imported by `use` in this module or an enclosing one.
            for depth in range(len(mod), len(f.modpath) - 1, -1):
                known = self.names.get((f.crate, tuple(mod[:depth])), {})
                if head in known:
                    crate, base = known[head]
                    return (crate, list(base) + list(segs[1:]))
        return None

    def resolve(self, crate, segs, seen=None):
        """The file that defines the item a path names, and whether the
        path names a module."""
        seen = seen or set()
        mod = ()
        for i, s in enumerate(segs):
            if (crate, mod + (s,)) in self.modules:
                mod = mod + (s,)
                continue
            key = (crate, mod, s)
            if key in seen:
                break
            seen.add(key)
            target = self.names.get((crate, mod), {}).get(s)
            if target is not None:
                tcrate, tsegs = target
                return self.resolve(tcrate, list(tsegs) + list(segs[i + 1:]), seen)
            return self.modules[(crate, mod)], False
        return self.modules[(crate, mod)], True

    def imports(self):
        """(file, offset, target file, via a public re-export) for every
        import of another file."""
        out = set()
        for f, at, (crate, segs), public in self.uses:
            if not segs:
                continue
            target, _ = self.resolve(crate, segs)
            if target is not f:
                out.add((f, at, target, public))
        for f in self.files.values():
            spans = [(m.start(), m.end()) for m in USE.finditer(f.text)]
            for m in PATH.finditer(f.text):
                if any(a <= m.start() < b for a, b in spans):
                    continue
                segs = re.split(r"\s*::\s*", m.group(1))
                mod = f.module_at(m.start())
                absolute = self.absolute(f, mod, segs)
                if absolute is None:
                    continue
                target, _ = self.resolve(*absolute)
                if target is not f:
                    out.add((f, m.start(), target, False))
        return sorted(out, key=lambda e: (e[0].rel, e[1]))


def layer(f):
    if f.crate == "bin":
        return BIN_LAYER
    if not f.modpath:
        return None  # lib.rs: declares and re-exports
    return MODULE_LAYER.get(f.modpath[0], "?")


def cycles(nodes, edges):
    """Strongly connected components with more than one node (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
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
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def shortest_cycles(comp, edges):
    """The shortest cycle through each node of a strongly connected
    component, each cycle once: lists of nodes, the first repeated last."""
    inside = set(comp)
    found = {}
    for start in comp:
        parent = {start: None}
        queue = [start]
        loop = None
        while queue and loop is None:
            v = queue.pop(0)
            for w in sorted(edges.get(v, ())):
                if w == start:
                    path = [v]
                    while parent[path[-1]] is not None:
                        path.append(parent[path[-1]])
                    loop = path[::-1]
                    break
                if w in inside and w not in parent:
                    parent[w] = v
                    queue.append(w)
        if loop:
            first = loop.index(min(loop))
            canon = tuple(loop[first:] + loop[:first])
            found.setdefault(canon, list(canon) + [canon[0]])
    return list(found.values())


def main():
    src = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "src")
    files = load(src)
    graph = Graph(files)
    problems = []
    unknown = sorted({f.modpath[0] for f in files.values()
                      if f.crate == "lib" and f.modpath and layer(f) == "?"
                      and f.modpath[0] not in TEST_ORACLES})
    for m in unknown:
        problems.append(f"src/{m}: top-level module in no layer (add it to LAYERS in {Path(__file__).name})")

    file_edges = defaultdict(set)
    module_edges = defaultdict(set)
    where = defaultdict(list)
    for f, at, target, public in graph.imports():
        lf, lt = layer(f), layer(target)
        test = f.in_test(at)
        if target.crate == "lib" and target.modpath and target.modpath[0] in TEST_ORACLES:
            continue
        if lf is not None and lt is not None and lf != "?" and lt != "?" and RANK[lt] > RANK[lf]:
            problems.append(f"{f.rel}:{f.line(at)}: {lf} imports {target.rel} ({lt}), a higher layer"
                            + (" (in a test)" if test else ""))
        if not public and not test:
            file_edges[f.rel].add(target.rel)
            where[(f.rel, target.rel)].append(f.line(at))
            if f.crate == "lib" and target.crate == "lib" and f.modpath and target.modpath:
                a, b = f.modpath[0], target.modpath[0]
                if a != b and lf == lt:
                    module_edges[a].add(b)
                    where[(a, b)].append(f"{f.rel}:{f.line(at)}")
    for comp in cycles({f.rel for f in files.values()}, file_edges):
        for loop in shortest_cycles(comp, file_edges):
            links = [f"{a}:{where[(a, b)][0]} imports {b}" for a, b in zip(loop, loop[1:])]
            problems.append("import circle between files: " + ", ".join(links))
    for comp in cycles(set(module_edges), module_edges):
        for loop in shortest_cycles(comp, module_edges):
            links = [f"{where[(a, b)][0]} ({a}) imports {b}" for a, b in zip(loop, loop[1:])]
            problems.append("import circle between modules: " + ", ".join(links))
    for p in problems:
        print(p)
    if problems:
        sys.stdout.flush()
        print(f"layers: {len(problems)} problem(s); layers, lowest first: "
              + " < ".join(name for name, _ in LAYERS), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
