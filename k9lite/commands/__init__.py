"""One-shot commands (`k9lite route`, `k9lite probe`): look the cluster up once, print, exit."""
