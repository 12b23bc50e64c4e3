"""Pure reasoning over cluster state: the route traffic takes to a Service's pods."""
