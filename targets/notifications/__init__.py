"""The bank's notification channels (SMS, push, e-mail mock) with a durable delivery log.

`delivery` is the pure part (who receives a notification, when each channel delivers it),
`log` keeps notifications and deliveries in SQLite (`--db`), `app` serves them and
`python -m targets.notifications` runs it. It sends what it is asked to send: deciding whom
to tell, and whether to tell anyone at all (`notify_customers`), is the status service's part.
"""
