"""The kind registry: everything k9lite knows about each kind, one module per kind in
`catalog/`; any other resource the server lists is shown from its server-side Tables."""
