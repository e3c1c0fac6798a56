"""Core: the data model, inventory, rule engine and plugin loading. Imports no cloud SDK."""
