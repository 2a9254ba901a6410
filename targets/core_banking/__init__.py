"""Mock core banking: a double-entry ledger in SQLite, one process per data centre.

Modules: amounts (wire amounts and currency codes, or a 400; the formats themselves are
`targets.formats`), schema (the file, role and epoch), replog (the replication log and its
application), idempotency, ledger (journals, reversals, seeding), holds, queries (reads, export,
consistency), node (threads around the file), replication (journal shipping and fencing), api
(/v1), admin (/admin, /internal), app (wiring), __main__ (flags). HTTP faults are
`targets.flags`. The contract is docs/bank-api.md.
"""
