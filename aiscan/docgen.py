"""Generate the docs that are derived from code: rule reference, JSON schema, AWS IAM policy.

`python -m aiscan.docgen` rewrites them; a test fails when the committed copies are stale.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from aiscan.collectors.azure.permissions import document as azure_permissions
from aiscan.collectors.gcp.permissions import document as gcp_permissions
from aiscan.core.model import AssetKind, ScanResult

DOCS = Path(__file__).resolve().parent.parent / "docs"


def rule_reference() -> str:
    from aiscan.scan import load_rules

    rules, errors = load_rules()
    if errors:
        raise RuntimeError(f"rule packs failed to load: {errors}")
    lines = [
        "# Rule reference",
        "",
        "Generated from rule metadata by `python -m aiscan.docgen`; do not edit by hand.",
        "`aiscan rules explain ID` shows the same text in a terminal.",
        "",
        "| id | severity | category | applies to | title |",
        "|---|---|---|---|---|",
    ]
    for r in rules:
        m = r.meta
        kinds = ", ".join(k.value for k in m.kinds) if len(m.kinds) < 8 else "any"
        lines.append(
            f"| [{m.id}](#{m.id.lower()}) | {m.severity.value} | {m.category.value} | {kinds} | "
            f"{m.title} |"
        )
    for r in rules:
        m = r.meta
        lines += [
            "",
            f"## {m.id}",
            "",
            f"**{m.title}** — severity `{m.severity.value}`, category `{m.category.value}`, "
            f"version {m.version}"
            + (f", clouds: {', '.join(c.value for c in m.clouds)}" if m.clouds else ""),
            "",
            m.description,
            "",
            (
                "*Graph rule* (attack paths over the estate graph, every cloud): crown jewel "
                + _kinds(m.kinds)
                if m.graph
                else "*Applies to:* "
                + _kinds(m.kinds)
                + (
                    " of resource types " + ", ".join(f"`{t}`" for t in m.resource_types)
                    if m.resource_types
                    else " (any resource type)"
                )
            ),
            "",
            f"*Risk.* {m.risk}",
            "",
            f"*Remediation.* {m.remediation}",
            "",
            "*References:* " + ", ".join(f"`{ref}`" for ref in m.references),
        ]
    return "\n".join(lines) + "\n"


def _kinds(kinds: tuple[AssetKind, ...]) -> str:
    if len(kinds) < 8:
        return ", ".join(k.value for k in kinds)
    missing = [k.value for k in AssetKind if k not in kinds]
    return "any kind" + (f" but {', '.join(missing)}" if missing else "")


def json_schema() -> str:
    schema = ScanResult.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "aiscan scan result"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def aws_policy() -> str:
    from aiscan.collectors.aws.permissions import PERMISSIONS

    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AiscanReadOnly",
                "Effect": "Allow",
                "Action": sorted(PERMISSIONS),
                "Resource": "*",
            }
        ],
    }
    return json.dumps(policy, indent=2) + "\n"


def aws_deep_policy() -> str:
    from aiscan.collectors.aws.permissions import DEEP_PERMISSIONS

    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AiscanDeepScanModelArtifacts",
                "Effect": "Allow",
                "Action": sorted(DEEP_PERMISSIONS),
                "Resource": [
                    "arn:aws:s3:::MODEL-ARTIFACT-BUCKET",
                    "arn:aws:s3:::MODEL-ARTIFACT-BUCKET/*",
                ],
            }
        ],
    }
    return json.dumps(policy, indent=2) + "\n"


def attributes_reference() -> str:
    from aiscan.core.facts.doc import render

    return render()


GENERATED = {
    "rules.md": rule_reference,
    "attributes.md": attributes_reference,
    "schema/scan-result.schema.json": json_schema,
    "aws-read-only-policy.json": aws_policy,
    "aws-deep-scan-policy.json": aws_deep_policy,
    "gcp-permissions.md": gcp_permissions,
    "azure-permissions.md": azure_permissions,
}


def main() -> int:
    for name, fn in GENERATED.items():
        path = DOCS / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(fn(), encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
