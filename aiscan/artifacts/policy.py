"""The pickle import policy: an allow-list of globals known safe in model files.

Anything not on the allow-list is a finding. Globals that run code, import modules, or touch the
OS or the network are critical; every other unknown global is high, because an unpickler calls
whatever it imports and a deny-list is always one module short (runpy, pip, webbrowser, ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aiscan.core.model import Severity

_TORCH_STORAGES = [
    "Storage",
    "FloatStorage",
    "DoubleStorage",
    "HalfStorage",
    "BFloat16Storage",
    "LongStorage",
    "IntStorage",
    "ShortStorage",
    "CharStorage",
    "ByteStorage",
    "BoolStorage",
    "ComplexFloatStorage",
    "ComplexDoubleStorage",
    "QUInt8Storage",
    "QInt8Storage",
    "QInt32Storage",
    "QUInt4x2Storage",
    "QUInt2x4Storage",
    "UntypedStorage",
    "TypedStorage",
]
_TORCH_DTYPES = [
    "float32",
    "float64",
    "float16",
    "bfloat16",
    "float8_e4m3fn",
    "float8_e5m2",
    "float8_e4m3fnuz",
    "float8_e5m2fnuz",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "bool",
    "complex64",
    "complex128",
    "qint8",
    "quint8",
    "qint32",
    "quint4x2",
    "float",
    "double",
    "half",
    "long",
    "int",
    "short",
    "cfloat",
    "cdouble",
]

#: Exact (module, name) pairs that only rebuild data.
SAFE: frozenset[tuple[str, str]] = frozenset(
    {
        ("collections", "OrderedDict"),
        ("collections", "defaultdict"),
        ("collections", "Counter"),
        ("collections", "deque"),
        ("builtins", "set"),
        ("builtins", "frozenset"),
        ("builtins", "bytearray"),
        ("builtins", "bytes"),
        ("builtins", "slice"),
        ("builtins", "complex"),
        ("builtins", "range"),
        ("builtins", "int"),
        ("builtins", "float"),
        ("builtins", "bool"),
        ("builtins", "str"),
        ("builtins", "tuple"),
        ("builtins", "list"),
        ("builtins", "dict"),
        ("builtins", "object"),
        ("copyreg", "_reconstructor"),
        ("copy_reg", "_reconstructor"),
        ("_codecs", "encode"),
        ("datetime", "datetime"),
        ("datetime", "date"),
        ("datetime", "time"),
        ("datetime", "timedelta"),
        ("datetime", "timezone"),
        ("decimal", "Decimal"),
        ("fractions", "Fraction"),
        ("uuid", "UUID"),
        ("pathlib", "PosixPath"),
        ("pathlib", "WindowsPath"),
        ("pathlib", "PurePosixPath"),
        ("pathlib", "PureWindowsPath"),
        ("argparse", "Namespace"),
        ("torch", "Size"),
        ("torch", "device"),
        ("torch", "dtype"),
        ("torch", "layout"),
        ("torch", "memory_format"),
        ("torch", "strided"),
        ("torch", "sparse_coo"),
        ("torch", "sparse_csr"),
        ("torch", "per_tensor_affine"),
        ("torch", "per_channel_affine"),
        ("torch", "per_channel_affine_float_qparams"),
        ("torch", "contiguous_format"),
        ("torch", "channels_last"),
        ("torch", "preserve_format"),
        ("torch._tensor", "_rebuild_from_type_v2"),
        ("torch._tensor", "_rebuild_from_type"),
        ("torch.nn.parameter", "Parameter"),
        ("torch.nn.parameter", "Buffer"),
        ("torch.serialization", "_get_layout"),
        ("torch.storage", "TypedStorage"),
        ("torch.storage", "UntypedStorage"),
        ("torch.torch_version", "TorchVersion"),
        ("numpy", "dtype"),
        ("numpy", "ndarray"),
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy.core.multiarray", "scalar"),
        ("numpy._core.multiarray", "scalar"),
        ("numpy.core.numeric", "_frombuffer"),
        ("numpy._core.numeric", "_frombuffer"),
        ("numpy.random._pickle", "__randomstate_ctor"),
        ("numpy.random._pickle", "__bit_generator_ctor"),
        ("numpy.random._pickle", "__generator_ctor"),
        ("numpy.random._mt19937", "MT19937"),
        ("numpy.random._pcg64", "PCG64"),
        ("numpy.random.mtrand", "RandomState"),
        ("joblib.numpy_pickle", "NumpyArrayWrapper"),
        ("joblib.numpy_pickle", "NDArrayWrapper"),
        ("sklearn.utils._bunch", "Bunch"),
        # TorchScript archives rebuild typed lists and tags with these helpers
        ("torch.jit._pickle", "build_intlist"),
        ("torch.jit._pickle", "build_floatlist"),
        ("torch.jit._pickle", "build_boollist"),
        ("torch.jit._pickle", "build_doublelist"),
        ("torch.jit._pickle", "build_tensorlist"),
        ("torch.jit._pickle", "build_tensor_from_id"),
        ("torch.jit._pickle", "restore_type_tag"),
    }
    | {("torch", n) for n in (*_TORCH_STORAGES, *_TORCH_DTYPES)}
    | {
        ("numpy", n)
        for n in (
            ["float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool_"]
        )
    }
)

#: Modules whose *classes* (CamelCase names) only hold model state when unpickled. Functions in
#: the same modules are not allowed: a class is instantiated, a function is called.
SAFE_CLASS_PREFIXES = (
    "torch.nn.modules.",
    "sklearn.",
    "xgboost.",
    "lightgbm.",
    "catboost.",
    "transformers.models.",
    "transformers.configuration_utils",
    "transformers.generation.configuration_utils",
    "tokenizers",
)
_CLASS_NAME = re.compile(r"^_?[A-Z][A-Za-z0-9_]*$")
_REBUILD = re.compile(r"^_rebuild_[a-z0-9_]+$")

#: Modules (and their submodules) that execute code, import code, or reach the OS or network.
_EXEC = (
    "os",
    "posix",
    "nt",
    "subprocess",
    "sys",
    "runpy",
    "importlib",
    "imp",
    "pkgutil",
    "zipimport",
    "code",
    "codeop",
    "pty",
    "shutil",
    "socket",
    "ssl",
    "select",
    "selectors",
    "asyncio",
    "multiprocessing",
    "concurrent",
    "threading",
    "_thread",
    "signal",
    "ctypes",
    "cffi",
    "webbrowser",
    "pip",
    "setuptools",
    "distutils",
    "pickle",
    "_pickle",
    "cPickle",
    "dill",
    "cloudpickle",
    "marshal",
    "shelve",
    "types",
    "operator",
    "_operator",
    "functools",
    "inspect",
    "pydoc",
    "timeit",
    "trace",
    "profile",
    "cProfile",
    "pdb",
    "bdb",
    "doctest",
    "unittest",
    "site",
    "sysconfig",
    "platform",
    "tempfile",
    "glob",
    "io",
    "_io",
    "fileinput",
    "linecache",
    "urllib",
    "urllib2",
    "urllib3",
    "http",
    "httplib",
    "requests",
    "httpx",
    "aiohttp",
    "ftplib",
    "smtplib",
    "telnetlib",
    "poplib",
    "imaplib",
    "xmlrpc",
    "socketserver",
    "commands",
    "popen2",
    "sqlite3",
    "torch.hub",
    "torch.jit",
    "torch.package",
    "torch._dynamo",
    "torch._inductor",
    "torch.utils.cpp_extension",
    "torch.utils.data.datapipes",
    "torch.storage",  # _load_from_bytes calls torch.load on embedded bytes (nested pickle)
    "torch.serialization",
    "numpy.testing",
    "numpy.load",
    "numpy.lib.npyio",
    "numpy.f2py",
    "numpy.distutils",
    "keras",
    "tensorflow",
    "jinja2",
    "yaml",
    "builtins.__import__",
)
#: Builtins that execute code, import, reach files, or fetch arbitrary attributes (gadgets).
_EXEC_BUILTINS = frozenset(
    [
        "eval",
        "exec",
        "execfile",
        "compile",
        "__import__",
        "open",
        "file",
        "input",
        "raw_input",
        "breakpoint",
        "getattr",
        "setattr",
        "delattr",
        "globals",
        "locals",
        "vars",
        "dir",
        "help",
        "memoryview",
        "classmethod",
        "staticmethod",
        "property",
        "super",
        "type",
        "reload",
        "apply",
        "exit",
        "quit",
        "copyright",
        "credits",
        "license",
        "print",
    ]
)
_BUILTIN_MODULES = frozenset({"builtins", "__builtin__", "__builtins__"})


@dataclass(frozen=True)
class Verdict:
    safe: bool
    severity: Severity | None = None
    reason: str = ""


def classify(module: str, name: str) -> Verdict:
    """Judge one pickle global: allow-listed, critical (runs code / OS / network), or high."""
    if (module, name) in SAFE:
        return Verdict(True)
    if module in _BUILTIN_MODULES:
        if name in _EXEC_BUILTINS:
            return Verdict(False, Severity.CRITICAL, f"builtin {name} runs code or fetches attrs")
        return Verdict(False, Severity.HIGH, "builtin not on the allow-list")
    if _is_exec_module(module):
        return Verdict(False, Severity.CRITICAL, "imports code, executes, or reaches OS/network")
    if module == "torch._utils" and _REBUILD.match(name):
        return Verdict(True)
    if module == "__torch__" or module.startswith("__torch__."):
        # TorchScript classes come from the archive's compiled code (checked separately), not
        # from a Python import
        return Verdict(True)
    if "." in name or not name.isidentifier():
        # pickle resolves dotted names attribute by attribute from the imported module.
        return Verdict(False, Severity.CRITICAL, "dotted name walks attributes (getattr chain)")
    if _CLASS_NAME.match(name) and module.startswith(SAFE_CLASS_PREFIXES):
        return Verdict(True)
    if module.startswith("torch._utils") or module.startswith("torch."):
        return Verdict(False, Severity.HIGH, "torch function not on the allow-list")
    return Verdict(False, Severity.HIGH, "global not on the allow-list for model files")


def _is_exec_module(module: str) -> bool:
    return any(module == m or module.startswith(m + ".") for m in _EXEC)
