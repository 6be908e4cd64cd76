"""The layers of docs/architecture.md, read from the code: an app imports only from layers below
its own, and a function-level import says why it is not at the top of its module."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "medcode"
# Bottom to top. Apps on one layer are siblings: neither imports the other.
LAYERS = [
    ["common"],
    ["accounts"],
    ["codes"],
    ["riskadjust"],
    ["reference", "search", "inpatient"],
    ["assistant", "scrubber"],
    ["consult", "careers"],
    ["site"],
    ["project"],  # medcode/settings.py, cli.py, wsgi.py
]
LAYER_OF = {app: number for number, apps in enumerate(LAYERS) for app in apps}


def _app_of(path):
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else "project"


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _imported(node, path):
    """The medcode modules an import statement names (absolute, even when written relative)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        package = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)[:-node.level]
        return [".".join(package + ([node.module] if node.module else []))]
    return [node.module or ""]


def _imports_of(tree, path):
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for module in _imported(node, path):
                if module.startswith("medcode."):
                    yield node, module.split(".")[1]


def test_every_app_has_a_layer():
    apps = {_app_of(path) for path, _ in _modules()}
    assert apps <= set(LAYER_OF), f"add {sorted(apps - set(LAYER_OF))} to LAYERS and docs/architecture.md"


def test_no_app_imports_one_on_its_own_layer_or_above():
    wrong = []
    for path, tree in _modules():
        app = _app_of(path)
        for node, target in _imports_of(tree, path):
            if target in LAYER_OF and target != app and LAYER_OF[target] >= LAYER_OF[app]:
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {app} imports {target}")
    assert not wrong, "\n".join(wrong)


def test_function_level_imports_say_why():
    """Cycles and heavy optional imports are the reasons; each such import carries a comment."""
    silent = []
    for path, tree in _modules():
        lines = path.read_text(encoding="utf-8").splitlines()
        for function in ast.walk(tree):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(function):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    here, above = lines[node.lineno - 1], node.lineno - 2
                    while lines[above].strip().startswith(("from ", "import ")):  # one comment serves a block
                        above -= 1
                    if "#" not in here and not lines[above].strip().startswith("#"):
                        silent.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {here.strip()}")
    assert not silent, "\n".join(silent)


@pytest.mark.parametrize("source, expected", [
    ("from medcode.site import page", "site"),
    ("from ..reference import ncci", "reference"),
    ("import medcode.search.engine", "search"),
])
def test_the_import_reader_sees_every_form(source, expected, tmp_path):
    """The checks above would pass vacuously if the reader missed a way of writing an import."""
    path = PACKAGE / "codes" / "example.py"
    tree = ast.parse(source)
    assert [target for _, target in _imports_of(tree, path)] == [expected]
