"""The safe ranges of a probe; the command line's help names them without loading the runner."""

MAX_COUNT = 100_000
MAX_CONCURRENCY = 64
MAX_DURATION = 3600.0
