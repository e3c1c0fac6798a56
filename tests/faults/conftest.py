from tests.netscan import aws_estate, azure_estate, ca, clean_scan, gcp_estate  # noqa: F401
