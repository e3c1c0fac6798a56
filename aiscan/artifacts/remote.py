"""Model artifacts in object stores: where they are, and scanning them through a store.

SDK-free: the stores (`ObjectStore`) live with each cloud's collector
(``aiscan/collectors/<cloud>/objects.py``) and are handed in; this module parses artifact
locations (``s3://``, ``gs://``, Azure blob URLs, ``azureml://`` datastore paths), finds them on
model assets, and scans what a location holds with the same scanner as local files.

A location is either one object (``model.tar.gz``) or a prefix (a Vertex AI ``artifactUri``, an
uncompressed SageMaker model, an Azure ML model folder): a prefix is listed (bounded) and every
object under it is scanned. A model-signing signature beside the artifact (``model.sig``,
``<artifact>.sig``) makes the objects download into one private temporary directory, where the
signature is verified over them offline before they are scanned and removed.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO, Literal, Protocol
from urllib.parse import quote, unquote, urlsplit

from aiscan.core.model import Asset, AssetKind, RelationType

Scheme = Literal["s3", "gs", "azure"]

#: Objects scanned under one prefix; more is a bound (the rest is not read: manual, never pass).
MAX_OBJECTS_PER_PREFIX = 256
#: Names that hold a model-signing signature rather than model bytes.
SIGNATURE_NAMES = ("model.sig",)
SIGNATURE_SUFFIXES = (".sig", ".sigstore", ".sigstore.json")

_S3 = re.compile(r"^s3a?://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:/(.*))?$")
_S3_HTTPS = re.compile(
    r"^https://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\.s3[.-](?:[a-z0-9-]+\.)?amazonaws\.com(?:\.cn)?"
    r"/(.*)$"
)
_GS = re.compile(r"^gs://([a-z0-9][a-z0-9._-]{1,220}[a-z0-9])(?:/(.*))?$")
_BLOB = re.compile(
    r"^https://([a-z0-9]{3,24})\.(?:blob|dfs)\.core\."
    r"(windows\.net|chinacloudapi\.cn|usgovcloudapi\.net)/([a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])?)"
    r"(?:/(.*))?$",
    re.IGNORECASE,
)
_AZUREML = re.compile(
    r"^azureml://(?:subscriptions/([^/]+)/resourcegroups/([^/]+)/workspaces/([^/]+)/)?"
    r"datastores/([^/]+)/paths/(.*)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ObjectRef:
    """One object, or a prefix (`key` empty or ending in ``/``, or not found as an object)."""

    scheme: Scheme
    container: str  # S3/GCS bucket, Azure blob container
    key: str
    account: str | None = None  # Azure storage account
    suffix: str = "windows.net"  # Azure cloud's storage DNS suffix

    @property
    def uri(self) -> str:
        if self.scheme == "s3":
            return f"s3://{self.container}/{self.key}"
        if self.scheme == "gs":
            return f"gs://{self.container}/{self.key}"
        return (
            f"https://{self.account}.blob.core.{self.suffix}/{self.container}/"
            f"{quote(self.key, safe='/')}"
        )

    @property
    def is_prefix(self) -> bool:
        return not self.key or self.key.endswith("/")

    def child(self, key: str) -> ObjectRef:
        return ObjectRef(self.scheme, self.container, key, self.account, self.suffix)


class ArtifactNotFound(LookupError):
    """Nothing at a model's artifact location: no object, and no object under it as a prefix."""


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int | None = None


class ObjectStore(Protocol):
    """Read access to one cloud's objects; implemented under ``aiscan/collectors/<cloud>/``.

    Every method raises the SDK's own errors; the caller turns them into coverage.
    """

    def stat(self, ref: ObjectRef) -> ObjectInfo | None:
        """The object at `ref`, or None when there is none (it may be a prefix)."""

    def list(self, ref: ObjectRef, limit: int) -> list[ObjectInfo]:
        """Objects under the prefix `ref.key`, at most `limit` + 1 (so a caller sees "more")."""

    def open(self, ref: ObjectRef) -> AbstractContextManager[BinaryIO]:
        """The object's bytes as a stream."""


def parse_uri(uri: str) -> ObjectRef | None:
    """The object (or prefix) an ``s3://``, ``gs://`` or Azure blob URL names; None otherwise."""
    text = uri.strip()
    m = _S3.match(text)
    if m:
        return ObjectRef("s3", m.group(1), m.group(2) or "")
    m = _S3_HTTPS.match(text)
    if m:  # virtual-hosted URLs percent-encode the key
        return ObjectRef("s3", m.group(1), unquote(m.group(2) or ""))
    m = _GS.match(text)
    if m:
        return ObjectRef("gs", m.group(1), m.group(2) or "")
    m = _BLOB.match(text)
    if m:
        key = unquote(urlsplit(text).path.split("/", 2)[2] if m.group(4) else "")
        return ObjectRef(
            "azure", m.group(3).lower(), key, account=m.group(1).lower(), suffix=m.group(2).lower()
        )
    return None


def is_remote(location: str) -> bool:
    return parse_uri(location) is not None or location.lower().startswith("azureml://")


def resolve_azureml(
    uri: str, workspace_id: str | None, datastores: Mapping[str, tuple[str, str]]
) -> ObjectRef | None:
    """An ``azureml://[subscriptions/../workspaces/W/]datastores/D/paths/P`` path as a blob.

    `datastores`: (workspace id lowercased, datastore name lowercased) joined by ``|`` ->
    (storage account name, container), from the datastore assets of the inventory.
    """
    m = _AZUREML.match(uri.strip())
    if not m:
        return None
    sub, rg, ws, name, path = m.groups()
    if ws:
        workspace_id = (
            f"/subscriptions/{sub}/resourcegroups/{rg}/providers/"
            f"microsoft.machinelearningservices/workspaces/{ws}"
        )
    if not workspace_id:
        return None
    target = datastores.get(f"{workspace_id.lower()}|{name.lower()}")
    if target is None:
        return None
    account, container = target
    return ObjectRef("azure", container.lower(), unquote(path), account=account.lower())


# -- locating artifacts on model assets ----------------------------------------------------------


def _containers_uris(asset: Asset) -> Iterator[str]:
    for c in asset.attributes.get("containers") or []:
        if isinstance(c, dict) and isinstance(c.get("artifact_uri"), str) and c["artifact_uri"]:
            yield c["artifact_uri"]


def artifact_uris(asset: Asset, training_jobs: Mapping[str, Asset] | None = None) -> list[str]:
    """Where the model's artifacts are, in the order found, without duplicates.

    Shared attributes: ``containers[].artifact_uri`` (SageMaker ``ModelDataUrl`` / model data
    source, model packages, Vertex ``artifactUri``), ``artifact_uri`` (Azure ML model versions,
    Bedrock imported-model sources); a model with none uses the ``model_artifacts`` of the
    training job it was produced by (`training_jobs`).
    """
    found: list[str] = list(_containers_uris(asset))
    direct = asset.attributes.get("artifact_uri")
    if isinstance(direct, str) and direct:
        found.append(direct)
    if not found:
        for job in (training_jobs or {}).values():
            out = job.attributes.get("model_artifacts")
            if isinstance(out, str) and out:
                found.append(out)
    return list(dict.fromkeys(u.strip() for u in found))


@dataclass(frozen=True)
class Located:
    asset: Asset
    #: (the URI as the cloud reports it, the object or prefix it resolves to, or None)
    targets: tuple[tuple[str, ObjectRef | None], ...]


def locate(inventory: Any, *, cloud: str | None = None) -> list[Located]:
    """Every model asset (of `cloud`) with the artifact locations it refers to.

    `inventory` is a `aiscan.core.inventory.Inventory`; Azure ML datastore paths are resolved
    through the datastore assets of the model's workspace.
    """
    datastores: dict[str, tuple[str, str]] = {}
    for a in inventory.assets:
        if a.type.lower().endswith("/datastores"):
            account, container = a.attributes.get("account_name"), a.attributes.get("container")
            if isinstance(account, str) and isinstance(container, str) and account and container:
                # keyed by the id, not the display name (which reads workspace/datastore)
                workspace, _, name = a.id.lower().rpartition("/datastores/")
                datastores[f"{workspace}|{name}"] = (account, container)
    out: list[Located] = []
    for asset in inventory.of_kind(AssetKind.MODEL):
        if cloud is not None and asset.cloud.value != cloud:
            continue
        jobs = {j.id: j for j in inventory.targets(asset.id, RelationType.PRODUCED_BY)}
        uris = artifact_uris(asset, jobs)
        if not uris:
            continue
        workspaces = [r.target for r in inventory.outgoing(asset.id, RelationType.MEMBER_OF)]
        targets = []
        for uri in uris:
            ref = parse_uri(uri)
            if ref is None and uri.lower().startswith("azureml://"):
                ref = resolve_azureml(uri, workspaces[0] if workspaces else None, datastores)
            targets.append((uri, ref))
        out.append(Located(asset, tuple(targets)))
    return out


# -- scanning through a store --------------------------------------------------------------------


def is_signature(key: str) -> bool:
    name = PurePosixPath(key).name.lower()
    return name in SIGNATURE_NAMES or name.endswith(SIGNATURE_SUFFIXES)


def _failed(location: str, message: str, *, bound: bool = False) -> Any:
    from aiscan.artifacts.report import ArtifactScan

    if bound:
        return ArtifactScan(location=location, format="unknown", bounds=(message,))
    return ArtifactScan(location=location, format="unknown", errors=(message,))


OnError = Callable[[ObjectRef, BaseException], str]


def scan_location(
    store: ObjectStore,
    ref: ObjectRef,
    *,
    limits: Any = None,
    trust: Any = None,
    on_error: OnError | None = None,
    max_objects: int = MAX_OBJECTS_PER_PREFIX,
) -> list[Any]:
    """`ArtifactScan`s of every object at `ref` (one object, or everything under a prefix).

    A read that fails becomes an `ArtifactScan` with the error (so rules answer manual) and is
    passed to `on_error`, which records it as coverage and returns the message to keep.
    """
    from aiscan.artifacts import Limits

    limits = limits if limits is not None else Limits()

    def failed(target: ObjectRef, exc: BaseException) -> Any:
        message = on_error(target, exc) if on_error else f"{type(exc).__name__}: {exc}"
        return _failed(target.uri, f"cannot read: {message}"[:500])

    objects: list[ObjectInfo]
    bounds: list[Any] = []
    try:
        info = None if ref.is_prefix else store.stat(ref)
        if info is not None:
            objects = [info]
            prefix = ref.key.rsplit("/", 1)[0] + "/" if "/" in ref.key else ""
            siblings = _signature_siblings(store, ref, prefix)
            objects.extend(siblings)
        else:
            prefix = ref.key if ref.is_prefix else ref.key + "/"
            objects = [
                o for o in store.list(ref.child(prefix), max_objects) if not o.key.endswith("/")
            ]
            if len(objects) > max_objects:
                objects = objects[:max_objects]
                bounds.append(
                    _failed(
                        ref.child(prefix).uri,
                        f"more than {max_objects} objects under the prefix: the rest not read",
                        bound=True,
                    )
                )
    except Exception as exc:
        return [failed(ref, exc)]
    if not objects:
        return [failed(ref, ArtifactNotFound("no object at this location"))]
    signatures = [o for o in objects if is_signature(o.key)]
    payload = [o for o in objects if not is_signature(o.key)]
    if signatures:
        return bounds + _scan_signed(store, ref, prefix, payload, signatures, limits, trust, failed)
    return bounds + [_scan_one(store, ref.child(o.key), limits, failed) for o in payload]


def _signature_siblings(store: ObjectStore, ref: ObjectRef, prefix: str) -> list[ObjectInfo]:
    """``<artifact>.sig`` beside a single-object artifact.

    A lookup that fails is not a failed read of the model: S3 answers 403 rather than 404 for a
    missing key to a caller without ListBucket, so an absent signature can look denied. The
    artifact is then judged unsigned (an info finding), never verified."""
    try:
        sig = store.stat(ref.child(ref.key + ".sig"))
    except Exception:
        return []
    return [sig] if sig is not None else []


def _scan_one(store: ObjectStore, target: ObjectRef, limits: Any, failed: Any) -> Any:
    from aiscan.artifacts import scan_stream

    try:
        with store.open(target) as stream:
            return scan_stream(stream, location=target.uri, limits=limits)
    except Exception as exc:
        return failed(target, exc)


def _download(store: ObjectStore, target: ObjectRef, dest: Path, max_bytes: int) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    written = 0
    with store.open(target) as stream, open(dest, "wb") as out:
        while chunk := stream.read(1 << 20):
            written += len(chunk)
            if written > max_bytes:
                raise OverflowError(f"larger than the {max_bytes}-byte bound")
            out.write(chunk)


def _scan_signed(
    store: ObjectStore,
    ref: ObjectRef,
    prefix: str,
    payload: list[ObjectInfo],
    signatures: list[ObjectInfo],
    limits: Any,
    trust: Any,
    failed: Any,
) -> list[Any]:
    """Download the model and its signature into a private directory, verify, scan, remove."""
    from aiscan.artifacts import scan_path
    from aiscan.artifacts.signing import verify

    max_bytes = int(getattr(limits, "max_bytes", 1 << 34))
    tmp = Path(tempfile.mkdtemp(prefix="aiscan-signed-"))  # mkdtemp makes it 0700
    try:
        model_dir = tmp / "model"
        model_dir.mkdir(mode=0o700)
        files: list[tuple[ObjectRef, Path]] = []
        results: list[Any] = []
        for o in payload:
            rel = o.key[len(prefix) :] if o.key.startswith(prefix) else PurePosixPath(o.key).name
            dest = _safe_join(model_dir, rel)
            target = ref.child(o.key)
            if dest is None:
                results.append(_failed(target.uri, "object name escapes the model directory"))
                continue
            try:
                _download(store, target, dest, max_bytes)
            except OverflowError as exc:
                results.append(_failed(target.uri, str(exc), bound=True))
                continue
            except Exception as exc:
                results.append(failed(target, exc))
                continue
            files.append((target, dest))
        top = [s for s in signatures if s.key in (prefix + "model.sig", ref.key + ".sig")]
        sig_obj = (top or signatures)[0]
        sig_path = tmp / "signature"
        try:
            _download(store, ref.child(sig_obj.key), sig_path, 16 << 20)
            single = len(files) == 1 and not ref.is_prefix and ref.key == files[0][0].key
            model_path = files[0][1] if single else model_dir
            signature = verify(model_path, sig_path, trust=trust)
            signature = signature.model_copy(update={"location": ref.child(sig_obj.key).uri})
        except Exception as exc:
            signature = None
            results.append(failed(ref.child(sig_obj.key), exc))
        for target, path in files:
            scan = scan_path(path, location=target.uri, limits=limits)
            if signature is not None:
                scan = scan.model_copy(update={"signature": signature})
            results.append(scan)
        return results
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _safe_join(root: Path, rel: str) -> Path | None:
    parts = [p for p in PurePosixPath(rel).parts if p not in ("", ".")]
    if not parts or any(p == ".." or os.sep in p or p.startswith("/") for p in parts):
        return None
    return root.joinpath(*parts)
