"""aiscan."""
