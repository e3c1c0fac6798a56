from tests.netscan import aws_estate, azure_estate, ca, gcp_estate  # noqa: F401
