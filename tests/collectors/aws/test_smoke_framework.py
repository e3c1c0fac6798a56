from moto import mock_aws

from aiscan.core.model import CoverageStatus
from tests import awsfake


@mock_aws
def test_canned_and_error_handlers_reach_the_collector():
    inv = awsfake.collect(services=("sagemaker",))
    assert inv.coverage, "every scope read gets a coverage record"
    assert all(c.status is CoverageStatus.OK for c in inv.coverage)
