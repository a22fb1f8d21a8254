"""Generate a pyACL-heavy source tree from the corpus/ programs, deterministically.

    python bench/generate.py OUT_DIR [--kloc 60] [--seed 0]

Each copy of the corpus gets its own suffix (``_g3``): module files, packages,
module-level functions and classes, and local variables are renamed
consistently across the copy (imports follow), so no two copies share a
module name or a function; copies sit at varied folder depths
(``team_1/svc_3/...``) and the order and grouping of the corpus programs
changes from copy to copy (a seeded RNG picks which standalone programs are
merged into one module). The result is valid Python (every file is compiled
before the generator returns) with the same resource patterns as the corpus:
leaks, clean code, helpers in sibling modules, owner classes.

Used by bench/run.py; ``--kloc 3`` gives the small tree of ``--quick``.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import io
import keyword
import random
import sys
import tokenize
from pathlib import Path
from typing import Dict, List, Sequence, Set, Tuple

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
SKIP_NAMES = frozenset(dir(builtins)) | frozenset(keyword.kwlist) | {"self", "cls", "acl", "pyacl", "np", "numpy"}


def corpus_units(corpus: Path = CORPUS) -> Tuple[List[Path], List[Path]]:
    """(standalone programs, package trees): a package and the apps that import it
    travel together (a folder with an __init__.py, plus the files beside it)."""
    standalone: List[Path] = []
    grouped: List[Path] = []
    for folder in sorted(p for p in corpus.iterdir() if p.is_dir()):
        has_packages = any((sub / "__init__.py").is_file() for sub in folder.iterdir() if sub.is_dir())
        if has_packages:
            grouped.append(folder)
        else:
            standalone.extend(sorted(folder.glob("*.py")))
    return standalone, grouped


def _tokens(text: str) -> List[tokenize.TokenInfo]:
    return list(tokenize.generate_tokens(io.StringIO(text).readline))


class Renamer:
    """Decides, over all files of one copy, which names can take a suffix without changing meaning."""

    def __init__(self, sources: Dict[str, str], module_names: Set[str]) -> None:
        candidates: Set[str] = set(module_names)
        excluded: Set[str] = set(SKIP_NAMES)
        for text in sources.values():
            tree = ast.parse(text)
            for node in tree.body:
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    candidates.add(node.name)
            for node in ast.walk(tree):
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                    candidates.add(node.id)
                elif isinstance(node, ast.keyword) and node.arg:
                    excluded.add(node.arg)  # keyword arguments name the callee's parameters
                elif isinstance(node, ast.JoinedStr):
                    excluded.update(n.id for n in ast.walk(node) if isinstance(n, ast.Name))
                elif isinstance(node, (ast.Import, ast.ImportFrom)):
                    for alias in node.names:
                        local = alias.asname or alias.name.split(".")[0]
                        if isinstance(node, ast.ImportFrom) and node.level == 0 and not _internal(node.module,
                                                                                                 module_names):
                            excluded.add(local)
                        elif isinstance(node, ast.Import) and not _internal(alias.name, module_names):
                            excluded.add(local)
            excluded.update(_names_after_dot(text))
        self.names = {n for n in candidates - excluded if not (n.startswith("__") and n.endswith("__"))}

    def apply(self, text: str, suffix: str) -> str:
        edits: List[Tuple[int, int]] = []  # (row, end column) of each name to suffix
        prev = None
        in_import = False
        for tok in _tokens(text):
            if tok.type == tokenize.NAME and tok.string in ("import", "from") and (
                    prev is None or prev.type in (tokenize.NEWLINE, tokenize.NL, tokenize.INDENT,
                                                  tokenize.DEDENT, tokenize.COMMENT)
                    or (prev.type == tokenize.OP and prev.string == ";")):
                in_import = True
            elif tok.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                in_import = False
            if tok.type == tokenize.NAME and tok.string in self.names:
                after_dot = prev is not None and prev.type == tokenize.OP and prev.string == "."
                if in_import or not after_dot:
                    edits.append(tok.end)
            if tok.type not in (tokenize.NL, tokenize.COMMENT):
                prev = tok
        lines = text.splitlines(keepends=True)
        for row, col in reversed(edits):  # right to left: earlier columns stay valid
            line = lines[row - 1]
            lines[row - 1] = line[:col] + suffix + line[col:]
        return "".join(lines)


def _internal(module: str, module_names: Set[str]) -> bool:
    return bool(module) and module.split(".")[0] in module_names


def _names_after_dot(text: str) -> Set[str]:
    """Attribute names (outside import statements): methods, fields, members of other modules."""
    names: Set[str] = set()
    prev = None
    in_import = False
    for tok in _tokens(text):
        if tok.type == tokenize.NAME and tok.string in ("import", "from") and (
                prev is None or prev.type in (tokenize.NEWLINE, tokenize.NL, tokenize.INDENT, tokenize.DEDENT)):
            in_import = True
        elif tok.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
            in_import = False
        if tok.type == tokenize.NAME and prev is not None and prev.type == tokenize.OP and prev.string == ".":
            if not in_import:
                names.add(tok.string)
        if tok.type not in (tokenize.NL, tokenize.COMMENT):
            prev = tok
    return names


def _hoist_future(text: str) -> Tuple[List[str], str]:
    """Split off ``from __future__`` imports (they must open a module)."""
    keep, future = [], []
    for line in text.splitlines(keepends=True):
        if line.startswith("from __future__ import"):
            future.append(line.rstrip("\n"))
        else:
            keep.append(line)
    return future, "".join(keep)


def _merge(texts: Sequence[str]) -> str:
    futures: List[str] = []
    bodies: List[str] = []
    for t in texts:
        f, body = _hoist_future(t)
        futures.extend(x for x in f if x not in futures)
        bodies.append(body.rstrip("\n") + "\n")
    head = ("\n".join(futures) + "\n\n") if futures else ""
    return head + "\n\n".join(bodies)


def generate(out: Path, kloc: float = 60.0, seed: int = 0, corpus: Path = CORPUS) -> Dict[str, int]:
    """Write the tree; return {"files": n, "lines": n}."""
    rng = random.Random(seed)
    standalone, grouped = corpus_units(corpus)
    quick = kloc < 10  # a small tree: standalone programs only, no packages
    target = int(kloc * 1000)
    out.mkdir(parents=True, exist_ok=True)
    lines = files = 0
    copy = 0
    while lines < target:
        copy += 1
        suffix = f"_g{copy}"
        depth = rng.choice([1, 2, 3])
        parts = [f"team_{copy % 3}", f"svc_{copy}", f"lib_{rng.randint(0, 9)}"][:depth]
        root = out.joinpath(*parts)
        # the sources of this copy, relative path -> text
        sources: Dict[str, str] = {}
        module_names: Set[str] = set()
        programs = list(standalone)
        rng.shuffle(programs)
        if quick:
            budget = target - lines
            chosen, size = [], 0
            for p in programs:
                if size >= budget:
                    break
                chosen.append(p)
                size += p.read_text(encoding="utf-8").count("\n")
            programs = chosen
        i = 0
        while i < len(programs):
            take = rng.choice([1, 1, 1, 2, 3])
            group = programs[i:i + take]
            i += take
            texts = [p.read_text(encoding="utf-8") for p in group]
            stem = group[0].stem if len(group) == 1 else f"merged_{group[0].stem}"
            rel = f"apps/{stem}.py"
            sources[rel] = _merge(texts)
            module_names.add(stem)
        if not quick:
            for folder in grouped:
                for path in sorted(folder.rglob("*.py")):
                    rel = "pkgs/" + path.relative_to(folder).as_posix()
                    sources[rel] = path.read_text(encoding="utf-8")
                    module_names.update(path.relative_to(folder).with_suffix("").parts)
        module_names.discard("__init__")
        renamer = Renamer(sources, module_names)
        for rel, text in sources.items():
            new_text = renamer.apply(text, suffix)
            parts_rel = rel.split("/")
            renamed = [p + suffix if p in renamer.names else p for p in parts_rel[:-1]]
            stem = parts_rel[-1][:-3]
            leaf = (stem + suffix if stem in renamer.names else stem) + ".py"
            target_path = root.joinpath(*renamed, leaf)
            target_path.parent.mkdir(parents=True, exist_ok=True)
            compile(new_text, str(target_path), "exec", dont_inherit=True)  # must stay valid Python
            target_path.write_text(new_text, encoding="utf-8")
            files += 1
            lines += new_text.count("\n")
    return {"files": files, "lines": lines, "copies": copy}


def main(argv: Sequence[str] = ()) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", help="output folder (created)")
    ap.add_argument("--kloc", type=float, default=60.0, help="at least this many thousand lines (default 60)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(list(argv) or None)
    info = generate(Path(args.out), args.kloc, args.seed)
    print(f"generated {info['files']} files, {info['lines']} lines ({info['copies']} copies of corpus/) in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
