"""The kinds the demo API server serves: one strategy per kind, as kube-apiserver's strategy files.

`kinds/builtin/` holds one module per built-in kind, each declaring a `STRATEGY`; `catalog`
finds them itself, so adding a kind is adding one file. Custom resources get their strategy
from their CustomResourceDefinition (`custom`).
"""
