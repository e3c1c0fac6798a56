"""aiscan: inventory AI assets in AWS, Azure and Google Cloud, judge posture, write an AI-BOM."""

__version__ = "0.1.0"
