"""What runs inside a demo container: its shell, its programs, and its view of the cluster."""
