"""The safe ranges of a probe, importable without httpx (the command line's help names them)."""

MAX_COUNT = 100_000
MAX_CONCURRENCY = 64
MAX_DURATION = 3600.0
