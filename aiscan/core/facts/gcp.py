"""Facts of gcp resource types (to be declared)."""
