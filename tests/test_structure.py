"""The faces (command line, web app) reach the engine only through its public surface."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FACES = [ROOT / "rag" / "cli.py", ROOT / "rag" / "cli_parser.py", *sorted((ROOT / "ui").glob("*.py"))]
# What a face may import of the project: the engine, its result types, errors and settings,
# the other faces; and the evaluation report's text form for `rag eval`.
ALLOWED = {"rag.engine", "rag.types", "rag.errors", "rag.config", "rag.cli_parser", "rag.ui"}  # and rag.ui.*
ALLOWED_NAMES = {"rag.evaluation": {"format_scores"}}
# The engine's inner parts, which a face reaching past the engine would use.
INNER = {"kb", "llm", "manifest", "store", "embedder", "retriever"}


def _project_imports(tree: ast.AST) -> list[tuple[int, str, list[str]]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "rag":
            found.append((node.lineno, node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name, []) for a in node.names if a.name.split(".")[0] == "rag"]
    return found


def _reaches_in(node: ast.AST) -> bool:
    """`engine.kb`, `self.engine.llm`, ...: an inner part taken from an engine."""
    return (isinstance(node, ast.Attribute) and node.attr in INNER
            and ast.unparse(node.value).split(".")[-1] in ("engine", "rag"))


def test_faces_import_only_the_engine_its_types_errors_and_settings():
    wrong = []
    for face in FACES:
        for line, module, names in _project_imports(ast.parse(face.read_text(encoding="utf-8"))):
            if module in ALLOWED or module.startswith("rag.ui.") or \
                    (module in ALLOWED_NAMES and set(names) <= ALLOWED_NAMES[module]):
                continue
            wrong.append(f"{face.relative_to(ROOT)}:{line} imports {module} {names}")
    assert not wrong, "faces importing past the engine:\n" + "\n".join(wrong)


def test_faces_use_no_inner_part_of_the_engine():
    wrong = []
    for face in FACES:
        for node in ast.walk(ast.parse(face.read_text(encoding="utf-8"))):
            if _reaches_in(node):
                wrong.append(f"{face.relative_to(ROOT)}:{node.lineno} uses .{node.attr}")
    assert not wrong, "faces reaching past the engine:\n" + "\n".join(wrong)


def test_the_check_sees_a_face_reaching_past_the_engine(tmp_path):
    """The checks above would catch the ways faces used to reach past the engine."""
    source = "from rag.loaders import SUFFIXES\ndef f(engine):\n    return engine.kb.manifest.count()\n"
    tree = ast.parse(source)
    assert [m for _, m, _ in _project_imports(tree)] == ["rag.loaders"]
    assert [ast.unparse(n) for n in ast.walk(tree) if _reaches_in(n)] == ["engine.kb"]
