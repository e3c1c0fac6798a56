"""Hermetic test setup: no real credentials, no metadata probes, only aiscan's own plugins."""

from __future__ import annotations

import os

# Set before any SDK is imported: credential chains must never probe a metadata service.
_HERMETIC_ENV = {
    "AWS_EC2_METADATA_DISABLED": "true",
    "NO_GCE_CHECK": "True",
    "GCE_METADATA_HOST": "127.0.0.1:9",
    "GCE_METADATA_IP": "127.0.0.1:9",
    "AZURE_POD_IDENTITY_AUTHORITY_HOST": "http://127.0.0.1:9",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": "/dev/null",
    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    "AISCAN_NO_PLUGINS": "1",
    "AISCAN_AWS_RETRY_MODE": "standard",
    "AISCAN_AWS_MAX_ATTEMPTS": "2",
    "NO_COLOR": "1",
}
os.environ.update(_HERMETIC_ENV)
for _var in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"):
    os.environ.pop(_var, None)
