"""k9lite: a terminal dashboard for Kubernetes Services and the traffic behind them."""

__version__ = "0.1.0"
