"""Facts of local resource types (to be declared)."""
