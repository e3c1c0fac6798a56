"""Deep scan of model artifacts: static, SDK-free, never unpickles, imports or runs anything.

`scan_path` / `scan_stream` produce an `ArtifactScan` of typed facts (formats, members, hashes,
issues, bounds hit, errors); the artifact rule pack (aiscan/rules/artifacts.py) judges them.
"""

from aiscan.artifacts.limits import Limits
from aiscan.artifacts.report import ArtifactScan, Issue, Member, Signature
from aiscan.artifacts.scanner import scan_path, scan_stream

__all__ = ["ArtifactScan", "Issue", "Limits", "Member", "Signature", "scan_path", "scan_stream"]
