"""Per-dependency protection shared by payments and the mobile API.

`breaker` (the circuit breaker: fail fast while a dependency is failing, one timed probe to find
out whether it is back) and `bulkhead` (at most N calls in flight to one dependency). Both are
set from the profile's `breaker_*` and `bulkhead_*` knobs (`targets/profiles.py`). This package
knows nothing about HTTP or about the bank's domain.
"""
