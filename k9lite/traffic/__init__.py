"""Test traffic: the ways into a Service as URLs, and a bounded async runner that fires at them."""
