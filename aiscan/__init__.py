"""aiscan: find every AI asset in AWS, Azure and Google Cloud, judge its posture, write an AI-BOM."""

__version__ = "0.1.0"
