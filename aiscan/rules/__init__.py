"""Built-in rule packs. Each module exports an explicit RULES tuple."""
