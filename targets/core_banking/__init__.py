"""Mock core banking: a double-entry ledger in SQLite, one process per data centre.

Modules: amounts (wire money <-> cents), schema (the file, role and epoch), replog (the
replication log and its application), idempotency, ledger (journals, reversals, seeding),
holds, queries (reads, export, consistency), node (threads around the file), replication
(journal shipping and fencing), flags (HTTP faults), api (/v1), admin (/admin, /internal),
app (wiring), __main__ (flags). The contract is docs/bank-api.md.
"""
