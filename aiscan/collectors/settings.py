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

from pydantic import BaseModel, ConfigDict, SecretStr

#: The trust-store variables aiscan itself consults (see `aiscan.collectors.network`).
CA_VARIABLES = ("AWS_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _text(environ: Mapping[str, str], name: str) -> str | None:
    value = (environ.get(name) or "").strip()
    return value or None


def _secret(environ: Mapping[str, str], name: str) -> SecretStr | None:
    value = _text(environ, name)
    return SecretStr(value) if value else None


def _number(environ: Mapping[str, str], name: str, default: float) -> float:
    value = _text(environ, name)
    return float(value) if value else default


class TrustSettings(_Frozen):
    """The CA bundle variables, as set (checked for a readable file where they are used)."""

    variables: dict[str, str] = {}

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> TrustSettings:
        return cls(variables={k: environ[k] for k in CA_VARIABLES if environ.get(k)})


class AwsSettings(_Frozen):
    #: ``AISCAN_AWS_RETRY_MODE``, ``AISCAN_AWS_MAX_ATTEMPTS``, ``AISCAN_AWS_MAX_BACKOFF``.
    retry_mode: str = "adaptive"
    max_attempts: int = 6
    max_backoff: float | None = None
    #: Where S3 Control requests go when a custom endpoint is configured
    #: (``AWS_ENDPOINT_URL_S3_CONTROL``, else ``AWS_ENDPOINT_URL``).
    s3control_endpoint: str | None = None
    trust: TrustSettings = TrustSettings()
    #: An explicit endpoint, credentials and region for every client (the demo's emulator); with
    #: `isolated`, no profile, config file or endpoint variable of the environment is consulted.
    endpoint_url: str | None = None
    access_key_id: SecretStr | None = None
    secret_access_key: SecretStr | None = None
    session_token: SecretStr | None = None
    region: str | None = None
    isolated: bool = False

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> AwsSettings:
        backoff = _text(environ, "AISCAN_AWS_MAX_BACKOFF")
        return cls(
            retry_mode=_text(environ, "AISCAN_AWS_RETRY_MODE") or "adaptive",
            max_attempts=max(1, int(_number(environ, "AISCAN_AWS_MAX_ATTEMPTS", 6))),
            max_backoff=max(0.0, float(backoff)) if backoff else None,
            s3control_endpoint=_text(environ, "AWS_ENDPOINT_URL_S3_CONTROL")
            or _text(environ, "AWS_ENDPOINT_URL"),
            trust=TrustSettings.from_environ(environ),
        )


class AzureSettings(_Frozen):
    #: ``AISCAN_AZURE_TOKEN``: a pre-obtained ARM token (no credential chain runs).
    token: SecretStr | None = None
    #: ``AISCAN_AZURE_ENDPOINT``: overrides the cloud's ARM endpoint.
    endpoint: str | None = None
    #: ``AISCAN_AZURE_MAX_RETRIES``, ``AISCAN_AZURE_BACKOFF``.
    max_retries: int = 6
    backoff: float = 0.8
    #: ``AISCAN_AZURE_BLOB_ENDPOINT``, ``AISCAN_AZURE_STORAGE_TOKEN`` (--deep blob reads).
    blob_endpoint: str | None = None
    storage_token: SecretStr | None = None
    trust: TrustSettings = TrustSettings()

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> AzureSettings:
        return cls(
            token=_secret(environ, "AISCAN_AZURE_TOKEN"),
            endpoint=_text(environ, "AISCAN_AZURE_ENDPOINT"),
            max_retries=int(_number(environ, "AISCAN_AZURE_MAX_RETRIES", 6)),
            backoff=_number(environ, "AISCAN_AZURE_BACKOFF", 0.8),
            blob_endpoint=_text(environ, "AISCAN_AZURE_BLOB_ENDPOINT"),
            storage_token=_secret(environ, "AISCAN_AZURE_STORAGE_TOKEN"),
            trust=TrustSettings.from_environ(environ),
        )


class GcpSettings(_Frozen):
    #: ``AISCAN_GCP_TOKEN``: a pre-obtained OAuth access token (no credential chain runs).
    token: SecretStr | None = None
    #: ``AISCAN_GCP_ENDPOINT``: replaces every ``*.googleapis.com`` host.
    endpoint: str | None = None
    #: ``AISCAN_GCP_MAX_ATTEMPTS``, ``AISCAN_GCP_BACKOFF``.
    max_attempts: int = 5
    backoff: float = 0.5
    trust: TrustSettings = TrustSettings()

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> GcpSettings:
        return cls(
            token=_secret(environ, "AISCAN_GCP_TOKEN"),
            endpoint=_text(environ, "AISCAN_GCP_ENDPOINT"),
            max_attempts=int(_number(environ, "AISCAN_GCP_MAX_ATTEMPTS", 5)),
            backoff=_number(environ, "AISCAN_GCP_BACKOFF", 0.5),
            trust=TrustSettings.from_environ(environ),
        )


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
