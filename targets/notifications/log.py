"""The delivery log of the notification channels, in SQLite: notifications and deliveries.

A notification and all its deliveries are written in ONE transaction, so a crash never leaves
a notification half sent; the log survives a restart (WAL mode) and ids go on from the last
one (`NTF-000001` ...). Without a file the log lives in memory. This module does no HTTP and
reads no clock: the caller says what time it is.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

from targets.notifications.delivery import Delivery, Notification

SCHEMA = """
CREATE TABLE IF NOT EXISTS notifications (
    seq INTEGER PRIMARY KEY, notification_id TEXT UNIQUE NOT NULL, at_s REAL NOT NULL,
    channel TEXT NOT NULL, reason TEXT NOT NULL, incident_id TEXT, message TEXT NOT NULL,
    recipients INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS deliveries (
    seq INTEGER PRIMARY KEY, notification_id TEXT NOT NULL, customer_id TEXT NOT NULL,
    channel TEXT NOT NULL, reason TEXT NOT NULL, incident_id TEXT,
    sent_at_s REAL NOT NULL, delivered_at_s REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_by_customer ON deliveries (customer_id, delivered_at_s);
"""

NOTIFICATION_COLUMNS = "notification_id, at_s, channel, reason, incident_id, message, recipients"
DELIVERY_COLUMNS = (
    "notification_id, customer_id, channel, reason, incident_id, sent_at_s, delivered_at_s"
)


class DeliveryLog:
    """Every notification sent and every message delivered, in the order sent."""

    def __init__(self, path: Path | None) -> None:
        self._db = sqlite3.connect(":memory:" if path is None else str(path))
        if path is not None:
            self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)

    def next_id(self) -> str:
        """The id the next notification gets."""
        (last,) = self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM notifications").fetchone()
        return f"NTF-{int(last) + 1:06d}"

    def record(self, notification: Notification, sent: Sequence[Delivery]) -> None:
        """Store a notification with its deliveries, all or nothing."""
        with self._db:
            self._db.execute(
                f"INSERT INTO notifications ({NOTIFICATION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    notification.notification_id,
                    notification.at_s,
                    notification.channel,
                    notification.reason,
                    notification.incident_id,
                    notification.message,
                    notification.recipients,
                ),
            )
            self._db.executemany(
                f"INSERT INTO deliveries ({DELIVERY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        d.notification_id,
                        d.customer_id,
                        d.channel,
                        d.reason,
                        d.incident_id,
                        d.sent_at_s,
                        d.delivered_at_s,
                    )
                    for d in sent
                ],
            )

    def notifications(self) -> list[Notification]:
        """Every notification, oldest first."""
        rows = self._db.execute(f"SELECT {NOTIFICATION_COLUMNS} FROM notifications ORDER BY seq")
        return [Notification(*row) for row in rows]

    def deliveries(self) -> list[Delivery]:
        """Every delivery, in the order sent (including any still on its way)."""
        rows = self._db.execute(f"SELECT {DELIVERY_COLUMNS} FROM deliveries ORDER BY seq")
        return [Delivery(*row) for row in rows]

    def inbox(self, customer_id: str, now_s: float) -> list[tuple[Delivery, str]]:
        """The customer's messages on the device by `now_s`, oldest first, with their text."""
        rows = self._db.execute(
            f"SELECT {', '.join('d.' + c.strip() for c in DELIVERY_COLUMNS.split(','))}, "
            "n.message FROM deliveries d JOIN notifications n USING (notification_id) "
            "WHERE d.customer_id = ? AND d.delivered_at_s <= ? ORDER BY d.delivered_at_s, d.seq",
            (customer_id, now_s),
        )
        return [(Delivery(*row[:-1]), str(row[-1])) for row in rows]

    def close(self) -> None:
        self._db.close()
