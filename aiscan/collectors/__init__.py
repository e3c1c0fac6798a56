"""Cloud collectors (one package per cloud), registered as `aiscan.collectors` entry points."""
