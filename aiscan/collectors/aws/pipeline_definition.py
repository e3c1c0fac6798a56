"""SageMaker pipeline definitions: the steps of an untrusted ``PipelineDefinition`` JSON document,
with the images, roles and environments their arguments name (bounded in size and depth; never
executed or resolved)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

_IMAGE_KEYS = ("TrainingImage", "ImageUri", "Image")
_ROLE_KEYS = ("RoleArn", "ExecutionRoleArn")


def _walk_step(node: Any, found: dict[str, Any], depth: int = 0) -> None:
    """Collect images, roles and environments anywhere in a step's arguments (bounded)."""
    if depth > 12:
        return
    if isinstance(node, Mapping):
        for key, value in list(node.items())[:200]:
            if key in _IMAGE_KEYS and isinstance(value, str):
                found["images"].append(value)
            elif key in _ROLE_KEYS and isinstance(value, str):
                found["roles"].append(value)
            elif key == "Environment" and isinstance(value, Mapping):
                found["envs"].append(value)
            else:
                _walk_step(value, found, depth + 1)
    elif isinstance(node, list):
        for item in node[:200]:
            _walk_step(item, found, depth + 1)


def pipeline_steps(definition: Any) -> tuple[list[dict[str, Any]], list[Mapping[str, Any]]] | None:
    """(steps, their environments) from a PipelineDefinition JSON string; None if unparseable.

    Values that are pipeline expressions (``{"Get": ...}``) instead of strings are skipped.
    """
    if not isinstance(definition, str):
        return None
    try:
        doc = json.loads(definition[: 4 << 20])
    except (ValueError, RecursionError):
        return None
    if not isinstance(doc, Mapping) or not isinstance(doc.get("Steps"), list):
        return None
    steps: list[dict[str, Any]] = []
    envs: list[Mapping[str, Any]] = []
    for step in doc["Steps"][:500]:
        if not isinstance(step, Mapping):
            continue
        found: dict[str, Any] = {"images": [], "roles": [], "envs": []}
        _walk_step(step.get("Arguments"), found)
        steps.append(
            {
                "name": str(step.get("Name", ""))[:256],
                "type": str(step.get("Type", ""))[:64],
                "images": sorted(set(found["images"])),
                "role_arn": found["roles"][0] if found["roles"] else None,
            }
        )
        envs.append({k: v for env in found["envs"] for k, v in env.items()})
    return steps, envs
