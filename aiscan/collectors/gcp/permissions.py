"""docs/gcp-permissions.md: a custom role with exactly the read permissions the GCP collector may
use (`aiscan.collectors.gcp.PERMISSIONS`, gathered from its modules), and what --deep adds.
"""

from __future__ import annotations

from aiscan.collectors.gcp import PERMISSIONS

#: What --deep adds: listing artifact prefixes and reading object contents (alt=media).
DEEP_PERMISSIONS: tuple[str, ...] = ("storage.objects.get", "storage.objects.list")


def document() -> str:
    """docs/gcp-permissions.md: the custom IAM role a scan needs, generated from `PERMISSIONS`."""
    role = "\n".join(
        [
            "title: aiscan read-only",
            "description: Read-only inventory and posture of AI assets (aiscan).",
            "stage: GA",
            "includedPermissions:",
            *(f"- {p}" for p in PERMISSIONS),
        ]
    )
    return f"""# Google Cloud permissions

Generated from `aiscan.collectors.gcp.PERMISSIONS` by `python -m aiscan.docgen`; do not
edit by hand.

aiscan only reads: every request passes a read-only guard in its HTTP layer (GET, plus the
read-only POST methods `:getIamPolicy` and Cloud Asset `:searchAll*`). The custom role below holds
exactly the {len(PERMISSIONS)} read permissions a scan may use. Create it where the scanned
projects live, e.g. at the organization, and grant it to the scanning identity there:

```sh
gcloud iam roles create aiscanReader --organization=ORGANIZATION_ID --file=aiscan-role.yaml
gcloud organizations add-iam-policy-binding ORGANIZATION_ID \\
  --member=serviceAccount:aiscan@PROJECT.iam.gserviceaccount.com \\
  --role=organizations/ORGANIZATION_ID/roles/aiscanReader
```

`aiscan-role.yaml`:

```yaml
{role}
```

Without a permission the scan still runs: the scope that needed it shows as `denied` in coverage
(exit code 3 unless `--allow-partial`). Folder and organization IAM policies, Cloud Asset search
and VPC Service Controls need the role at the organization; a project-level grant scans the
projects but leaves `policies_complete` false and the perimeter rule manual. Cloud Asset
Inventory (organization-wide project search) also needs the Cloud Asset API enabled in the
quota project.

## `--deep`: model artifacts

`aiscan scan --deep` (and `aiscan artifacts gs://...`) also lists each Vertex AI model's
`artifactUri` prefix and downloads its objects to inspect them statically. That needs
{", ".join(f"`{p}`" for p in DEEP_PERMISSIONS)} on the artifact buckets, e.g. the built-in
`roles/storage.objectViewer` granted on those buckets only, or these two permissions added to the
custom role. Only a `--deep` scan's transport lets an object download (`alt=media`) through its
guard, and only as a GET of one object; uploads, rewrites and deletes stay refused. An object that
cannot be read shows as `denied`/`error` in the `gcs-artifacts` coverage of the model's project
(exit code 3 unless `--allow-partial`), and the model's artifact rules answer `manual`.
"""
