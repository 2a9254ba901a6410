"""Bank resilience chaos harness: reproduce bank outages against a mock bank under load."""

__version__ = "0.1.0"
