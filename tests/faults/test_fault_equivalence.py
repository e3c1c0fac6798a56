"""Under 30 % throttling, 5 % 5xx (half a load balancer's HTML page) and 2 % dropped connections,
a scan of each cloud's example estate finds exactly what the fault-free scan finds: the same
assets, relations, coverage and finding fingerprints. Faults are seeded per request (see
`tests.netfakes.FaultPlan`), backoff is kept short through aiscan's own settings.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.netfakes import (
    DROP,
    HTML,
    SERVER_ERROR,
    THROTTLE,
    FaultPlan,
    Front,
    aws_shape,
    azure_shape,
    gcp_shape,
)
from tests.netscan import problems, scan

PLAN = {"throttle": 0.30, "server_error": 0.05, "drop": 0.02}
SHAPES = {"aws": aws_shape, "azure": azure_shape, "gcp": gcp_shape}
#: Enough attempts for the front's worst case (3 faults in a row), backoff in milliseconds.
RETRY_SETTINGS = {
    "AISCAN_AWS_MAX_ATTEMPTS": "6",
    "AISCAN_AWS_MAX_BACKOFF": "0.05",
    "AISCAN_AZURE_MAX_RETRIES": "6",
    "AISCAN_AZURE_BACKOFF": "0.01",
    "AISCAN_GCP_MAX_ATTEMPTS": "6",
    "AISCAN_GCP_BACKOFF": "0.01",
}


def essence(doc: dict[str, Any]) -> dict[str, list[Any]]:
    """What must not change: every asset as reported, relations, coverage, fingerprints."""
    return {
        "assets": sorted(json.dumps(a, sort_keys=True) for a in doc["assets"]),
        "relations": sorted(json.dumps(r, sort_keys=True) for r in doc["relations"]),
        "coverage": sorted(json.dumps(c, sort_keys=True) for c in doc["coverage"]),
        "fingerprints": sorted(f["fingerprint"] for f in doc["findings"]),
    }


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
@pytest.mark.parametrize("seed", [1, 2])
def test_faults_change_nothing_in_the_result(request, clean_scan, cloud, seed):
    estate = request.getfixturevalue(f"{cloud}_estate")
    code, clean = clean_scan(cloud, RETRY_SETTINGS)
    plan = FaultPlan(seed=seed, **PLAN)
    with Front(estate.url, plan=plan, shape=SHAPES[cloud]) as front:
        faulty_code, faulty = scan(estate, endpoint=front.url, extra_env=RETRY_SETTINGS)
    # The faults really happened, of every kind, at about the planned rates.
    assert front.injected[THROTTLE] >= 0.2 * front.requests
    assert front.injected[SERVER_ERROR] + front.injected[HTML] > 0
    assert front.injected[DROP] > 0 or front.requests < 100
    assert not problems(faulty), problems(faulty)
    assert faulty_code == code
    assert essence(faulty) == essence(clean)
