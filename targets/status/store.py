"""The status service's SQLite file: incidents with their updates, detections and the
notifications it asked for, so the page's history survives a restart of the process.

`save` writes one incident whole (its row and every update) in one transaction. This module
must not decide anything about incidents: it stores and loads what `board.py` made.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any, cast

from targets.status.detection import Detection, DetectionKind
from targets.status.incident import (
    Incident,
    IncidentKind,
    IncidentSource,
    IncidentStatus,
    IncidentUpdate,
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS incidents (
    number INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    status TEXT NOT NULL,
    components TEXT NOT NULL,
    opened_at_s REAL NOT NULL,
    resolved_at_s REAL,
    source TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS updates (
    incident_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    at_s REAL NOT NULL,
    status TEXT NOT NULL,
    message TEXT NOT NULL,
    estimated_restoration_s REAL,
    PRIMARY KEY (incident_id, seq)
);
CREATE TABLE IF NOT EXISTS detections (
    at_s REAL NOT NULL, kind TEXT NOT NULL, component TEXT, detail TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS notifications (document TEXT NOT NULL);
"""


class StatusStore:
    """One SQLite file (":memory:" for a throwaway one)."""

    def __init__(self, path: str | Path) -> None:
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        self._db.close()

    def save(self, incident: Incident) -> None:
        """Insert or replace `incident` and all its updates."""
        with self._transaction():
            self._db.execute(
                "INSERT INTO incidents (incident_id, kind, title, status, components, "
                "opened_at_s, resolved_at_s, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(incident_id) DO UPDATE SET status = excluded.status, "
                "components = excluded.components, resolved_at_s = excluded.resolved_at_s",
                (
                    incident.incident_id,
                    incident.kind,
                    incident.title,
                    incident.status,
                    json.dumps(incident.components),
                    incident.opened_at_s,
                    incident.resolved_at_s,
                    incident.source,
                ),
            )
            self._db.execute("DELETE FROM updates WHERE incident_id = ?", (incident.incident_id,))
            self._db.executemany(
                "INSERT INTO updates VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (incident.incident_id, seq, u.at_s, u.status, u.message,
                     u.estimated_restoration_s)
                    for seq, u in enumerate(incident.updates)
                ],
            )  # fmt: skip

    def incidents(self) -> list[Incident]:
        """Every stored incident, oldest first."""
        updates: dict[str, list[IncidentUpdate]] = {}
        for row in self._db.execute("SELECT * FROM updates ORDER BY incident_id, seq"):
            status = cast(IncidentStatus, row[3])
            updates.setdefault(row[0], []).append(IncidentUpdate(row[2], status, row[4], row[5]))
        rows = self._db.execute(
            "SELECT incident_id, kind, title, status, components, opened_at_s, resolved_at_s, "
            "source FROM incidents ORDER BY number"
        )
        return [
            Incident(
                incident_id=row[0],
                kind=cast(IncidentKind, row[1]),
                title=row[2],
                status=cast(IncidentStatus, row[3]),
                components=tuple(json.loads(row[4])),
                opened_at_s=row[5],
                resolved_at_s=row[6],
                source=cast(IncidentSource, row[7]),
                updates=tuple(updates.get(row[0], ())),
            )
            for row in rows
        ]

    def add_detection(self, detection: Detection) -> None:
        self._db.execute(
            "INSERT INTO detections VALUES (?, ?, ?, ?)",
            (detection.at_s, detection.kind, detection.component, detection.detail),
        )

    def detections(self) -> list[Detection]:
        rows = self._db.execute("SELECT * FROM detections ORDER BY rowid")
        return [Detection(r[0], cast(DetectionKind, r[1]), r[2], r[3]) for r in rows]

    def add_notification(self, document: dict[str, Any]) -> None:
        self._db.execute("INSERT INTO notifications VALUES (?)", (json.dumps(document),))

    def notifications(self) -> list[dict[str, Any]]:
        rows = self._db.execute("SELECT document FROM notifications ORDER BY rowid")
        return [json.loads(r[0]) for r in rows]

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, *_: object) -> None:
        self._db.execute("COMMIT" if kind is None else "ROLLBACK")
