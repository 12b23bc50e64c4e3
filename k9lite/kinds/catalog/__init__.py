"""One module per kind, each stating its `KIND` (see `k9lite.kinds.base.Kind`)."""
