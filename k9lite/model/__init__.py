"""Pure data: dataclasses, label selectors and the cluster state they describe."""
