"""The bank's status service: its own process, page and SQLite history (docs/bank-api.md).

Hardened, the bank's own detection updates it (the mobile API's SLI feed, an outside-in probe
of the edge, breach alerts); fragile, only a human's post does. Modules: `detection` (burn
rate and probe verdicts), `board` (the incident lifecycle), `incident` (the values), `store`
(SQLite), `notify` (what to tell customers), `probe`, `desk` (all together), `views`, `app`.
"""
