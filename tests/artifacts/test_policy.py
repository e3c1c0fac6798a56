"""The allow-list policy for pickle globals: known-safe model-file globals pass, anything that
runs code or reaches the OS is critical, any other unknown global is high."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from aiscan.artifacts import scan_path
from aiscan.artifacts.pickles import looks_like_pickle
from aiscan.artifacts.policy import classify
from aiscan.core.model import Severity
from tests.artifacts import corpus


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
    assert not looks_like_pickle(b"\x80\x02\xff\xfe\x00garbage")
    assert not looks_like_pickle(b"N.")


def test_tensor_bytes_that_start_like_a_format_are_data(tmp_path: Path) -> None:
    """Raw tensor members now and then begin with a PROTO opcode, a zlib or a gzip header; they
    must hash as data, not end in a parse error (which would make every rule manual)."""
    rnd = random.Random(7)
    members = {}
    for i, prefix in enumerate(
        [b"\x80\x02", b"\x80\x05", b"\x78\x9c", b"\x78\xda", b"\x1f\x8b\x08\x00"] * 4
    ):
        members[f"archive/data/{i}"] = prefix + rnd.randbytes(200_000)
    members["archive/data.pkl"] = corpus.torch_state_pickle()
    path = tmp_path / "model.bin"
    path.write_bytes(corpus.zip_file(members))
    scan = scan_path(path)
    assert scan.format == "pytorch-zip"
    assert scan.errors == () and scan.issues == () and scan.bounds == ()
    data = [m for m in scan.members if "/data/" in m.path]
    assert len(data) == 20 and {m.format for m in data} == {"data"}
