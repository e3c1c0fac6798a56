"""Reporters turn a finished ScanResult into text. They never evaluate anything."""
