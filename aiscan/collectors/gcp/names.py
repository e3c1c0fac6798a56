"""Asset ids (full resource names) and the references AI assets carry (gs:// URIs, images, SAs).

Every GCP asset id is a full resource name as Google's API design guide defines it: ``//`` + the
API's service name + the resource's relative name. The relative name is the one the API itself
returns (``name``, or ``selfLink`` for Compute Engine), so Vertex AI ids carry the project number
(``//aiplatform.googleapis.com/projects/123/locations/us-central1/endpoints/456``) and Compute
Engine ids the project id. Two kinds of id are derived from references before anything is read,
so a relation and the asset it points at agree:

* buckets: ``//storage.googleapis.com/projects/_/buckets/NAME`` (Cloud Storage's resource name);
* service accounts: ``//iam.googleapis.com/projects/-/serviceAccounts/EMAIL`` (the IAM API's
  project-less form: an email is globally unique, and service agents live in Google's projects).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

AIPLATFORM = "aiplatform.googleapis.com"
NOTEBOOKS = "notebooks.googleapis.com"
COMPUTE = "compute.googleapis.com"
CONTAINER = "container.googleapis.com"
STORAGE = "storage.googleapis.com"
ARTIFACTREGISTRY = "artifactregistry.googleapis.com"
IAM = "iam.googleapis.com"
RESOURCEMANAGER = "cloudresourcemanager.googleapis.com"
CLOUDASSET = "cloudasset.googleapis.com"
ORGPOLICY = "orgpolicy.googleapis.com"
MODELARMOR = "modelarmor.googleapis.com"
APIKEYS = "apikeys.googleapis.com"
ACCESSCONTEXTMANAGER = "accesscontextmanager.googleapis.com"
SERVICEUSAGE = "serviceusage.googleapis.com"

DEFAULT_COMPUTE_SA = re.compile(r"^(\d+)-compute@developer\.gserviceaccount\.com$")
_GCS = re.compile(r"^gs://([a-z0-9][a-z0-9._-]{1,220}[a-z0-9])(?:/|$)")
_USER_SA = re.compile(
    r"^[a-z][a-z0-9-]{4,28}[a-z0-9]@([a-z][a-z0-9-]{4,28}[a-z0-9])\.iam\.gserviceaccount\.com$"
)
_AR_HOST = re.compile(r"^([a-z0-9-]+)-docker\.pkg\.dev$")
_GCR_HOSTS = {"gcr.io": "us", "us.gcr.io": "us", "eu.gcr.io": "europe", "asia.gcr.io": "asia"}


def full_name(host: str, relative: str) -> str:
    return f"//{host}/{relative.lstrip('/')}"


def vertex_id(relative: str) -> str:
    return full_name(AIPLATFORM, relative)


def gcs_bucket_of(uri: str | None) -> str | None:
    if not uri:
        return None
    m = _GCS.match(uri.strip())
    return m.group(1) if m else None


def bucket_id(name: str) -> str:
    return full_name(STORAGE, f"projects/_/buckets/{name}")


def service_account_id(email: str) -> str:
    return full_name(IAM, f"projects/-/serviceAccounts/{email}")


def service_account_project(email: str) -> str | None:
    """The project id a user-managed service account lives in (None for other accounts)."""
    m = _USER_SA.match(email)
    return m.group(1) if m else None


def is_default_compute_sa(email: str | None) -> bool:
    return bool(email) and DEFAULT_COMPUTE_SA.match(str(email)) is not None


@dataclass(frozen=True)
class RepositoryRef:
    project: str
    location: str
    repository: str

    @property
    def id(self) -> str:
        return full_name(
            ARTIFACTREGISTRY,
            f"projects/{self.project}/locations/{self.location}/repositories/{self.repository}",
        )


def repository_of(image: str | None) -> RepositoryRef | None:
    """The Artifact Registry repository of an image URI (gcr.io hosts map to their AR repos)."""
    if not image:
        return None
    ref = image.strip().split("@", 1)[0]
    parts = ref.split("/")
    if len(parts) < 3:
        return None
    host = parts[0].lower()
    m = _AR_HOST.match(host)
    if m and len(parts) >= 4:
        return RepositoryRef(project=parts[1], location=m.group(1), repository=parts[2])
    if host in _GCR_HOSTS:
        return RepositoryRef(project=parts[1], location=_GCR_HOSTS[host], repository=host)
    return None


def location_of(name: str) -> str | None:
    """The location of a relative resource name (``.../locations/L/...``; None without one)."""
    return name.split("/locations/")[1].split("/")[0] if "/locations/" in name else None


def last(name: str) -> str:
    return name.rstrip("/").rsplit("/", 1)[-1]
