"""One module per built-in kind, each declaring its `STRATEGY`; `kinds.catalog` finds them."""
