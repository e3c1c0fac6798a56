"""Facts of azure resource types (to be declared)."""
