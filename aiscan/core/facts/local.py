"""Facts of model artifacts read from local paths or object-store URLs (`aiscan artifacts`)."""

from __future__ import annotations

from pydantic import Field

from aiscan.core.facts.base import UNREAD, Nested, Unread, facts_for
from aiscan.core.facts.common import ArtifactScanFacts


class HubSnapshot(Nested):
    repo: str
    revision: str | None = None


@facts_for(
    "local::model-file",
    "local::model-directory",
    "huggingface::cache-snapshot",
    "url::model-artifact",
)
class LocalModelFacts(ArtifactScanFacts):
    artifact_uri: str | Unread = Field(default=UNREAD, description="the path or URL scanned")
    huggingface: HubSnapshot | Unread = Field(
        default=UNREAD, description="the Hugging Face cache snapshot the directory is"
    )
