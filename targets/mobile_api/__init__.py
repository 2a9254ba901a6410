"""The mock mobile banking API: login, balances, movements, transfers and the public status page.

It is the bank's edge: customers (the Locust load) reach it through the `edge-mobile` proxy,
and it reaches core-banking and payments only through the `mobile-core` and `mobile-payments`
proxies. Its resilience mechanisms (deadlines, load shedding, cached read-only balances,
automatic incident detection) follow the profile; see `targets/profiles.py`.
"""
