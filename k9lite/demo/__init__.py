"""The bundled demo cluster: a small Kubernetes API server on loopback, with controllers, pods."""
