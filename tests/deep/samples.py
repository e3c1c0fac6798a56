"""Model artifacts generated in the tests, byte by byte: nothing is downloaded and no payload is
ever loaded. The malicious pickle is written from raw opcodes (GLOBAL posix.system, REDUCE), the
way a `__reduce__` payload pickles, without pickling a live object."""

from __future__ import annotations

import gzip
import io
import json
import struct
import tarfile
import zipfile
from pathlib import Path

MARKER = "/tmp/aiscan-deep-pwned"


def malicious_pickle(command: str = f"touch {MARKER}") -> bytes:
    arg = command.encode()
    return (
        b"\x80\x02"  # PROTO 2
        + b"cposix\nsystem\n"  # GLOBAL posix.system (os.system on Linux)
        + b"X"  # BINUNICODE
        + struct.pack("<I", len(arg))
        + arg
        + b"\x85"  # TUPLE1
        + b"R"  # REDUCE: calls it at load time
        + b"."  # STOP
    )


def benign_pickle() -> bytes:
    """An OrderedDict of floats (what a state dict's skeleton pickles as), protocol 2."""
    return (
        b"\x80\x02ccollections\nOrderedDict\nq\x00)Rq\x01X\x06\x00\x00\x00weightq\x02G?\xf0"
        b"\x00\x00\x00\x00\x00\x00s."
    )


def torch_zip(pkl: bytes, name: str = "archive") -> bytes:
    """A PyTorch-style zip (``archive/data.pkl`` + ``archive/version``)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr(_entry(f"{name}/data.pkl"), pkl)
        z.writestr(_entry(f"{name}/version"), "3\n")
        z.writestr(_entry(f"{name}/data/0"), b"\x00" * 16)
    return buf.getvalue()


def _entry(name: str) -> zipfile.ZipInfo:
    """A zip entry with a fixed timestamp, so a sample's bytes (and hash) are reproducible."""
    return zipfile.ZipInfo(name, date_time=(2026, 3, 1, 0, 0, 0))


def safetensors() -> bytes:
    header = json.dumps(
        {"weight": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}}
    ).encode()
    header += b" " * (-len(header) % 8)
    return struct.pack("<Q", len(header)) + header + struct.pack("<4f", 0.1, 0.2, 0.3, 0.4)


def tar_gz(files: dict[str, bytes]) -> bytes:
    """Reproducible: the same files give the same bytes (gzip mtime 0)."""
    buf = io.BytesIO()
    with (
        gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as gz,
        tarfile.open(fileobj=gz, mode="w") as tar,
    ):
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def zip_bomb(expanded: int = 64 << 20) -> bytes:
    """One member of `expanded` zero bytes, deflated to a tiny fraction of that."""
    buf = io.BytesIO()
    with (
        zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z,
        z.open("weights.bin", "w", force_zip64=True) as member,
    ):
        chunk = b"\x00" * (1 << 20)
        for _ in range(expanded >> 20):
            member.write(chunk)
    return buf.getvalue()


def nested_zip(depth: int = 12) -> bytes:
    data = safetensors()
    for level in range(depth):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr(_entry(f"level{level}.zip" if level else "model.safetensors"), data)
        data = buf.getvalue()
    return data


def sagemaker_model_tar(malicious: bool) -> bytes:
    """A SageMaker ``model.tar.gz``: the twin with safetensors weights is clean."""
    if malicious:
        return tar_gz({"model/pytorch_model.bin": torch_zip(malicious_pickle())})
    return tar_gz({"model/model.safetensors": safetensors(), "model/config.json": b"{}"})


def write(directory: Path, files: dict[str, bytes]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return directory
