"""The traffic probe against the demo cluster, over real HTTP."""
