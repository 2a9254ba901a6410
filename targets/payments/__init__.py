"""The payments service: instant interbank transfers through the clearing scheme.

Modules: `lifecycle` (ISO 20022 statuses and allowed transitions), `store` (SQLite: payments
and idempotency keys), `dependency` (timeouts, retries, and `targets.resilience`'s breaker and
bulkhead around one HTTP dependency), `ledger` and `scheme`
(the core-banking and clearing clients), `flow` (one payment from hold to settlement),
`reconciliation` (breaks between payments, ledger and scheme), `app` (HTTP routes).
"""
