"""Hypothesis settings for the hostile-payload suite: reproducible (derandomized) and modest, so
the suite stays well under a few minutes in CI. AISCAN_HYPOTHESIS_EXAMPLES raises the count for a
deeper local run."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "aiscan-ci",
    derandomize=True,
    deadline=None,
    max_examples=int(os.environ.get("AISCAN_HYPOTHESIS_EXAMPLES", "60")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
settings.load_profile("aiscan-ci")
