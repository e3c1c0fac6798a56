"""Every collector transform (the pure payload -> asset functions, found by name so a new one is
covered without editing this file) fed random, malformed and hostile payloads.

A transform may reject a payload, but only with an exception the scope recorder turns into an
`error` coverage record ("malformed response"); anything it returns is a valid, JSON-serialisable,
bounded asset that carries no planted secret.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import aiscan.collectors
from aiscan.core.model import Asset, AssetKind, Cloud
from tests.hostile.payloads import SECRETS, hostile_text, payloads, vocabulary

#: What a malformed payload may raise: `ScopeRecorder.section` records these as a scope error.
MALFORMED = (KeyError, TypeError, ValueError, AttributeError, IndexError)
#: A transform's output for a small random payload stays well under this (JSON characters).
MAX_ASSET_JSON = 400_000


def transforms() -> list[tuple[str, Callable[..., Any]]]:
    found = []
    for info in pkgutil.walk_packages(aiscan.collectors.__path__, "aiscan.collectors."):
        module = importlib.import_module(info.name)
        for name, fn in sorted(vars(module).items()):
            if name.startswith("to_") and inspect.isfunction(fn) and fn.__module__ == info.name:
                found.append((f"{info.name.removeprefix('aiscan.collectors.')}.{name}", fn))
    return found


TRANSFORMS = transforms()


def _sample_asset() -> Asset:
    return Asset(
        id="/subscriptions/s/resourcegroups/g/providers/microsoft.x/y/ws",
        cloud=Cloud.AZURE,
        account="s",
        region="eastus",
        kind=AssetKind.WORKSPACE,
        service="azureml",
        type="Microsoft.MachineLearningServices/workspaces",
        name="ws",
    )


def _project() -> Any:
    from aiscan.collectors.gcp.context import Project

    return Project(id="acme-ml-prod", number="412345678901", name="prod")


def _special(annotation: str) -> st.SearchStrategy[Any] | None:
    """Arguments that are not payloads: typed helper values the collector builds itself."""
    if annotation == "Project":
        return st.builds(_project)
    if annotation == "References":
        from aiscan.collectors.gcp.context import References

        return st.builds(References)
    if annotation == "RepositoryRef":
        from aiscan.collectors.gcp.names import RepositoryRef

        return st.builds(RepositoryRef, st.just("p"), st.just("us"), hostile_text)
    if annotation == "IdentityRef":
        from aiscan.collectors.azure.context import IdentityRef

        return st.builds(
            IdentityRef,
            asset_id=st.just("/subscriptions/s/providers/microsoft.managedidentity/x/i"),
            principal_id=st.one_of(st.none(), hostile_text),
            client_id=st.none(),
            assigned=st.sampled_from(["system", "user"]),
            name=hostile_text,
            subscription=st.just("s"),
            region=st.none(),
            source=st.just("/subscriptions/s/providers/microsoft.x/y/z"),
        )
    if annotation == "Asset":
        return st.builds(_sample_asset)
    if annotation == "AssetKind":
        return st.sampled_from(list(AssetKind))
    if annotation.startswith("tuple[list[dict[str, Any]], str]"):
        gpus = st.tuples(st.just([]), st.sampled_from(["none", "catalog"]))
        return st.one_of(st.none(), gpus) if "None" in annotation else gpus
    if annotation == "Iterable[tuple[str, str]]":
        return st.lists(st.tuples(hostile_text, hostile_text), max_size=3)
    if annotation == "Mapping[str, Asset] | None":
        return st.none()
    return None


STRINGS = {
    "account": "123456789012",
    "region": "us-east-1",
    "partition": "aws",
    "location": "us-central1",
    "source": "describe",
    "type_": "Microsoft.MachineLearningServices/workspaces/models/versions",
    "service": "azureml",
}


def arguments(fn: Callable[..., Any], keys: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """A strategy for every parameter of `fn`, chosen from its annotation and name."""
    payload = payloads(keys)
    strategies: dict[str, st.SearchStrategy[Any]] = {}
    for param in inspect.signature(fn).parameters.values():
        ann = str(param.annotation)
        special = _special(ann)
        if special is not None:
            strategies[param.name] = special
        elif ann in ("str", "str | None") and param.name in STRINGS:
            strategies[param.name] = st.just(STRINGS[param.name])
        elif ann in ("str", "str | None"):
            strategies[param.name] = hostile_text
        elif ann == "bool":
            strategies[param.name] = st.booleans()
        elif ann == "bool | None":
            strategies[param.name] = st.one_of(st.none(), st.booleans())
        elif ann == "int | None":
            strategies[param.name] = st.one_of(st.none(), st.integers(-5, 10**12))
        elif ann == "Collection[tuple[str, str]]":
            strategies[param.name] = st.frozensets(
                st.tuples(hostile_text, hostile_text), max_size=3
            )
        elif ann == "list[str]" or ann == "list[str] | None":
            strategies[param.name] = st.lists(hostile_text, max_size=3)
        elif ann.startswith(("Mapping[", "dict[")):
            strategies[param.name] = (
                st.one_of(st.none(), payload) if ann.endswith("| None") else payload
            )
        elif ann.startswith(("list[", "Sequence[")):
            lists = st.lists(payload, max_size=3)
            strategies[param.name] = st.one_of(st.none(), lists) if "None" in ann else lists
        else:
            raise AssertionError(f"no strategy for {fn.__name__}({param.name}: {ann})")
    return st.fixed_dictionaries(strategies)


def assets_of(out: Any) -> list[Asset]:
    """The assets in whatever a transform returns (Asset, Collected, lists, None, dicts)."""
    if out is None or isinstance(out, dict):
        return []
    if isinstance(out, Asset):
        return [out]
    if isinstance(out, list | tuple):
        return [a for item in out for a in assets_of(item)]
    if hasattr(out, "asset"):
        return [out.asset]
    return []


def test_every_collector_module_with_payloads_has_transforms_here() -> None:
    modules = {name.rsplit(".", 1)[0] for name, _ in TRANSFORMS}
    assert {"aws.sagemaker", "aws.bedrock", "azure.ml", "azure.cognitive", "gcp.vertex"} <= modules
    assert len(TRANSFORMS) >= 60


@pytest.mark.parametrize(("name", "fn"), TRANSFORMS, ids=[n for n, _ in TRANSFORMS])
def test_transform_survives_hostile_payloads(name: str, fn: Callable[..., Any]) -> None:
    module = importlib.import_module(fn.__module__)
    context = importlib.import_module(f"{fn.__module__.rsplit('.', 1)[0]}.context")
    keys = vocabulary(module, context)

    @given(arguments(fn, keys))
    def check(kwargs: dict[str, Any]) -> None:
        try:
            out = fn(**kwargs)
        except MALFORMED:
            return  # the scope records "malformed response": a coverage error, not a crash
        for asset in assets_of(out):
            text = asset.model_dump_json()
            assert len(text) < MAX_ASSET_JSON, (name, len(text))
            assert Asset.model_validate_json(text).model_dump_json() == text
            for secret in SECRETS:
                assert secret not in text, (name, "planted secret reached the asset")
            json.loads(text)

    check()
