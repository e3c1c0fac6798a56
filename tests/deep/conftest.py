"""The moto server fixtures of the CLI tests (`emulator`, reset per test as `aws`), shared."""

from tests.cli.test_cli_scan import aws, emulator

__all__ = ["aws", "emulator"]
