"""The allow-list policy for pickle globals: known-safe model-file globals pass, anything that
runs code or reaches the OS is critical, any other unknown global is high."""

from __future__ import annotations

import pytest

from aiscan.artifacts.pickles import looks_like_pickle
from aiscan.artifacts.policy import classify
from aiscan.core.model import Severity


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("collections", "OrderedDict"),
        ("torch._utils", "_rebuild_tensor_v2"),
        ("torch._utils", "_rebuild_parameter"),
        ("torch", "FloatStorage"),
        ("torch", "bfloat16"),
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy", "dtype"),
        ("joblib.numpy_pickle", "NumpyArrayWrapper"),
        ("sklearn.linear_model._logistic", "LogisticRegression"),
        ("torch.nn.modules.linear", "Linear"),
        ("__torch__.model", "Net"),
        ("torch.jit._pickle", "build_intlist"),
    ],
)
def test_allow_listed(module: str, name: str) -> None:
    assert classify(module, name).safe


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("posix", "system"),
        ("os", "popen"),
        ("subprocess", "check_output"),
        ("runpy", "_run_code"),
        ("builtins", "getattr"),
        ("builtins", "eval"),
        ("builtins", "__import__"),
        ("importlib", "import_module"),
        ("pkgutil", "resolve_name"),
        ("marshal", "loads"),
        ("operator", "methodcaller"),
        ("functools", "partial"),
        ("pip", "main"),
        ("pip._internal.cli.main", "main"),
        ("webbrowser", "open"),
        ("socket", "create_connection"),
        ("torch.storage", "_load_from_bytes"),
        ("torch.serialization", "load"),
        ("numpy.testing._private.utils", "runstring"),
        ("timeit", "timeit"),
        ("collections", "OrderedDict.fromkeys.__globals__"),
    ],
)
def test_code_execution_is_critical(module: str, name: str) -> None:
    verdict = classify(module, name)
    assert not verdict.safe
    assert verdict.severity is Severity.CRITICAL


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("mypkg.layers", "build"),
        ("sklearn.utils", "some_function"),  # functions of an allow-listed package are called
        ("torch", "load_something_new"),
        ("builtins", "zip"),
    ],
)
def test_unknown_globals_are_high(module: str, name: str) -> None:
    verdict = classify(module, name)
    assert not verdict.safe
    assert verdict.severity is Severity.HIGH


def test_sniffing_needs_pickle_structure() -> None:
    assert looks_like_pickle(b"\x80\x04\x95")
    assert looks_like_pickle(b"cos\nsystem\n(S'x'\ntR.")
    assert looks_like_pickle(b"(dp0\nS'a'\np1\nI1\ns.")
    assert not looks_like_pickle(b"hello world, not a pickle\n")
    assert not looks_like_pickle(b"c\xff\xfe\x00garbage")
