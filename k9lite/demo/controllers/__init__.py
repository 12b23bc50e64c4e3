"""Controllers of the demo cluster: what kube-controller-manager, the scheduler and kubelets do."""
