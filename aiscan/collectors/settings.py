"""What each cloud's collector is configured with, typed and frozen, filled once at the edge.

The CLI (or whoever builds a `aiscan.scan.ScanRequest`) reads the documented environment
variables once with `ScanSettings.from_environ`; the demo builds its settings directly. Collectors
read only the settings object they are given, never the process environment (a test scans
`aiscan/collectors` for it). The SDKs themselves still resolve what their users configure for them
(botocore's credential chain and ``AWS_ENDPOINT_URL``, ``HTTPS_PROXY`` / ``NO_PROXY`` in requests).

No SDK is imported here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, SecretStr

#: The trust-store variables aiscan itself consults (see `aiscan.collectors.network`).
CA_VARIABLES = ("AWS_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TrustSettings(_Frozen):
    """The CA bundle variables, as set (checked for a readable file where they are used)."""

    variables: dict[str, str] = {}


class _CloudSettings(_Frozen):
    #: field -> the variables that set it, the first one set wins (pydantic parses the text).
    ENV: ClassVar[dict[str, tuple[str, ...]]] = {}
    trust: TrustSettings = TrustSettings()

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Self:
        """The documented variables of `environ`; a malformed number is a ValueError."""
        values: dict[str, Any] = {}
        for name, variables in cls.ENV.items():
            found = [environ[v].strip() for v in variables if (environ.get(v) or "").strip()]
            if found:
                values[name] = found[0]
        trust = {k: environ[k] for k in CA_VARIABLES if environ.get(k)}
        return cls(trust=TrustSettings(variables=trust), **values)


class AwsSettings(_CloudSettings):
    ENV: ClassVar[dict[str, tuple[str, ...]]] = {
        "retry_mode": ("AISCAN_AWS_RETRY_MODE",),
        "max_attempts": ("AISCAN_AWS_MAX_ATTEMPTS",),
        "max_backoff": ("AISCAN_AWS_MAX_BACKOFF",),
        "s3control_endpoint": ("AWS_ENDPOINT_URL_S3_CONTROL", "AWS_ENDPOINT_URL"),
    }
    retry_mode: str = "adaptive"
    max_attempts: int = 6
    #: seconds; None: botocore's own cap
    max_backoff: float | None = None
    #: Where S3 Control requests go when a custom endpoint is configured.
    s3control_endpoint: str | None = None
    #: An explicit endpoint, credentials and region for every client (the demo's emulator); with
    #: `isolated`, no profile, config file or endpoint variable of the environment is consulted.
    endpoint_url: str | None = None
    access_key_id: SecretStr | None = None
    secret_access_key: SecretStr | None = None
    session_token: SecretStr | None = None
    region: str | None = None
    isolated: bool = False


class AzureSettings(_CloudSettings):
    ENV: ClassVar[dict[str, tuple[str, ...]]] = {
        "token": ("AISCAN_AZURE_TOKEN",),
        "endpoint": ("AISCAN_AZURE_ENDPOINT",),
        "max_retries": ("AISCAN_AZURE_MAX_RETRIES",),
        "backoff": ("AISCAN_AZURE_BACKOFF",),
        "blob_endpoint": ("AISCAN_AZURE_BLOB_ENDPOINT",),
        "storage_token": ("AISCAN_AZURE_STORAGE_TOKEN",),
    }
    #: a pre-obtained ARM token (no credential chain runs)
    token: SecretStr | None = None
    #: overrides the cloud's ARM endpoint
    endpoint: str | None = None
    max_retries: int = 6
    backoff: float = 0.8
    #: --deep blob reads
    blob_endpoint: str | None = None
    storage_token: SecretStr | None = None


class GcpSettings(_CloudSettings):
    ENV: ClassVar[dict[str, tuple[str, ...]]] = {
        "token": ("AISCAN_GCP_TOKEN",),
        "endpoint": ("AISCAN_GCP_ENDPOINT",),
        "max_attempts": ("AISCAN_GCP_MAX_ATTEMPTS",),
        "backoff": ("AISCAN_GCP_BACKOFF",),
    }
    #: a pre-obtained OAuth access token (no credential chain runs)
    token: SecretStr | None = None
    #: replaces every ``*.googleapis.com`` host
    endpoint: str | None = None
    max_attempts: int = 5
    backoff: float = 0.5


class ScanSettings(_Frozen):
    """Every cloud's settings, carried by the scan request to the collectors."""

    aws: AwsSettings = AwsSettings()
    azure: AzureSettings = AzureSettings()
    gcp: GcpSettings = GcpSettings()

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> ScanSettings:
        return cls(
            aws=AwsSettings.from_environ(environ),
            azure=AzureSettings.from_environ(environ),
            gcp=GcpSettings.from_environ(environ),
        )

    def of(self, cloud: str) -> AwsSettings | AzureSettings | GcpSettings | None:
        """The settings of the collector named `cloud` (None for a plugin cloud)."""
        value = getattr(self, cloud, None) if cloud in ("aws", "azure", "gcp") else None
        return value if isinstance(value, AwsSettings | AzureSettings | GcpSettings) else None
