"""The scanner's own code never reaches for anything that deserializes into live objects or runs
code: no pickle/marshal/dill, no torch/tensorflow/keras/joblib/numpy/onnx import, no eval/exec,
no dynamic import, no template rendering (checked on the syntax tree of every module)."""

from __future__ import annotations

import ast
from pathlib import Path

import aiscan.artifacts

LOADERS = {"pickle", "_pickle", "marshal", "dill", "cloudpickle", "torch", "tensorflow", "keras"}
LOADERS |= {"joblib", "numpy", "onnx", "onnxruntime", "safetensors", "importlib", "runpy"}
CALLS = {"eval", "exec", "compile", "__import__"}
METHODS = {"render", "load_model", "loads", "unmarshal", "load_build"}


def _offences(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] in LOADERS]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] in LOADERS:
                found.append(node.module)
        elif isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name) and f.id in CALLS:
                found.append(f.id)
            elif isinstance(f, ast.Attribute) and f.attr in METHODS:
                found.append(f.attr)
    return found


def test_scanner_code_has_no_loader() -> None:
    root = Path(aiscan.artifacts.__file__).parent
    offenders = {}
    for path in sorted(root.glob("*.py")):
        bad = _offences(ast.parse(path.read_text()))
        if bad:
            offenders[path.name] = bad
    # json.loads parses JSON into plain data; it is the one `loads` allowed
    assert offenders == {k: v for k, v in offenders.items() if set(v) <= {"loads"}}
    for name in offenders:
        assert "json.loads" in (root / name).read_text()


def test_the_check_catches_a_loader() -> None:
    assert _offences(ast.parse("import pickle\npickle.loads(b'')")) == ["pickle", "loads"]
    assert _offences(ast.parse("from torch import load")) == ["torch"]
    assert _offences(ast.parse("env.from_string(t).render()")) == ["render"]
