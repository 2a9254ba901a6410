"""The people-facing services' exports as frozen data: the status page, notifications and the
contact centre, parsed from the `/admin/export` answers a run stored (`exports/<service>.json`).

`people_exports` turns the stored JSON into `PeopleExports`; a service that is absent from the
bank, whose export failed, or whose export does not parse is `None` there, with the reason in
`problems`, so a check that needs it says "unknown" instead of guessing. Times are epoch
seconds. Parses only: judges nothing, reads no file, calls no service.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

STATUS = "status"
NOTIFICATIONS = "notifications"
CONTACT_CENTRE = "contact-centre"
PEOPLE_SERVICES = (STATUS, NOTIFICATIONS, CONTACT_CENTRE)
"""Services of the people half whose exports a run keeps when the bank has them."""

AVAILABILITY_SOURCES = ("probe", "burn_rate")
SECURITY_SOURCES = ("honeytoken", "access_anomaly")


class ExportShapeError(ValueError):
    """An export that does not have the contract's shape."""


@dataclass(frozen=True)
class StatusUpdate:
    at_s: float
    status: str
    message: str
    estimated_restoration_s: float | None


@dataclass(frozen=True)
class Incident:
    incident_id: str
    kind: str
    title: str
    status: str
    components: tuple[str, ...]
    opened_at_s: float
    resolved_at_s: float | None
    source: str
    updates: tuple[StatusUpdate, ...]

    def resolutions_s(self) -> tuple[float, ...]:
        """Every moment this incident was marked resolved (an update or its resolved time)."""
        marked = {u.at_s for u in self.updates if u.status == "resolved"}
        if self.resolved_at_s is not None:
            marked.add(self.resolved_at_s)
        return tuple(sorted(marked))

    def communicated_s(self) -> tuple[float, ...]:
        """Every moment customers were told something about it: its opening and each update."""
        return tuple(sorted({self.opened_at_s, *(u.at_s for u in self.updates)}))


@dataclass(frozen=True)
class Detection:
    at_s: float
    kind: str
    component: str | None
    detail: str


@dataclass(frozen=True)
class StatusExport:
    incidents: tuple[Incident, ...]
    detections: tuple[Detection, ...]
    probe_sent: int
    probe_failed: int


@dataclass(frozen=True)
class Notification:
    notification_id: str
    at_s: float
    channel: str
    reason: str
    incident_id: str | None
    recipients: int


@dataclass(frozen=True)
class Delivery:
    notification_id: str
    customer_id: str
    channel: str
    reason: str
    sent_at_s: float
    delivered_at_s: float | None


@dataclass(frozen=True)
class NotificationsExport:
    notifications: tuple[Notification, ...]
    deliveries: tuple[Delivery, ...]


@dataclass(frozen=True)
class Call:
    call_id: str
    customer_id: str
    reason: str
    placed_at_s: float
    outcome: str
    position_at_entry: int | None
    answered_at_s: float | None
    ended_at_s: float | None
    wait_s: float | None


@dataclass(frozen=True)
class ContactExport:
    agents: int
    queue_max: int
    calls: tuple[Call, ...]


@dataclass(frozen=True)
class PeopleExports:
    status: StatusExport | None = None
    notifications: NotificationsExport | None = None
    contact: ContactExport | None = None
    problems: Mapping[str, str] = field(default_factory=dict)
    """Service name -> why its export is missing."""


T = TypeVar("T")


def _get(record: Mapping[str, Any], key: str, where: str) -> Any:
    if not isinstance(record, Mapping) or key not in record:
        raise ExportShapeError(f"{where}: field {key!r} missing")
    return record[key]


def _seconds(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ExportShapeError(f"{where}: {value!r} is not a number of seconds")
    return float(value)


def _maybe_seconds(value: object, where: str) -> float | None:
    return None if value is None else _seconds(value, where)


def _items(
    record: Mapping[str, Any], key: str, where: str, parse: Callable[..., T]
) -> tuple[T, ...]:
    items = _get(record, key, where)
    if not isinstance(items, list):
        raise ExportShapeError(f"{where}: field {key!r} is not a list")
    return tuple(parse(item, f"{where}.{key}[{i}]") for i, item in enumerate(items))


def _update(u: Mapping[str, Any], where: str) -> StatusUpdate:
    eta = u.get("estimated_restoration_s") if isinstance(u, Mapping) else None
    return StatusUpdate(
        _seconds(_get(u, "at_s", where), f"{where}.at_s"),
        str(_get(u, "status", where)),
        str(u.get("message", "")),
        _maybe_seconds(eta, f"{where}.estimated_restoration_s"),
    )


def _incident(i: Mapping[str, Any], where: str) -> Incident:
    components = _get(i, "components", where)
    if not isinstance(components, list):
        raise ExportShapeError(f"{where}: field 'components' is not a list")
    return Incident(
        incident_id=str(_get(i, "incident_id", where)),
        kind=str(_get(i, "kind", where)),
        title=str(i.get("title", "")),
        status=str(_get(i, "status", where)),
        components=tuple(str(c) for c in components),
        opened_at_s=_seconds(_get(i, "opened_at_s", where), f"{where}.opened_at_s"),
        resolved_at_s=_maybe_seconds(i.get("resolved_at_s"), f"{where}.resolved_at_s"),
        source=str(i.get("source", "manual")),
        updates=_items(i, "updates", where, _update),
    )


def _detection(d: Mapping[str, Any], where: str) -> Detection:
    component = d.get("component") if isinstance(d, Mapping) else None
    return Detection(
        _seconds(_get(d, "at_s", where), f"{where}.at_s"),
        str(_get(d, "kind", where)),
        None if component is None else str(component),
        str(d.get("detail", "")),
    )


def parse_status(export: Mapping[str, Any]) -> StatusExport:
    """The status service's export (`GET /admin/export`)."""
    probe = export.get("probe") or {}
    return StatusExport(
        incidents=_items(export, "incidents", "status export", _incident),
        detections=_items(export, "detections", "status export", _detection),
        probe_sent=int(probe.get("sent", 0)),
        probe_failed=int(probe.get("failed", 0)),
    )


def _notification(n: Mapping[str, Any], where: str) -> Notification:
    incident = n.get("incident_id") if isinstance(n, Mapping) else None
    return Notification(
        notification_id=str(_get(n, "notification_id", where)),
        at_s=_seconds(_get(n, "at_s", where), f"{where}.at_s"),
        channel=str(n.get("channel", "")),
        reason=str(_get(n, "reason", where)),
        incident_id=None if incident is None else str(incident),
        recipients=int(n.get("recipients", 0)),
    )


def _delivery(d: Mapping[str, Any], where: str) -> Delivery:
    delivered = d.get("delivered_at_s") if isinstance(d, Mapping) else None
    return Delivery(
        notification_id=str(_get(d, "notification_id", where)),
        customer_id=str(_get(d, "customer_id", where)),
        channel=str(d.get("channel", "")),
        reason=str(_get(d, "reason", where)),
        sent_at_s=_seconds(_get(d, "sent_at_s", where), f"{where}.sent_at_s"),
        delivered_at_s=_maybe_seconds(delivered, f"{where}.delivered_at_s"),
    )


def parse_notifications(export: Mapping[str, Any]) -> NotificationsExport:
    """The notifications service's export (`GET /admin/export`)."""
    where = "notifications export"
    return NotificationsExport(
        _items(export, "notifications", where, _notification),
        _items(export, "deliveries", where, _delivery),
    )


def _call(c: Mapping[str, Any], where: str) -> Call:
    position = c.get("position_at_entry") if isinstance(c, Mapping) else None
    return Call(
        call_id=str(_get(c, "call_id", where)),
        customer_id=str(c.get("customer_id", "")),
        reason=str(c.get("reason", "other")),
        placed_at_s=_seconds(_get(c, "placed_at_s", where), f"{where}.placed_at_s"),
        outcome=str(_get(c, "outcome", where)),
        position_at_entry=None if position is None else int(position),
        answered_at_s=_maybe_seconds(c.get("answered_at_s"), f"{where}.answered_at_s"),
        ended_at_s=_maybe_seconds(c.get("ended_at_s"), f"{where}.ended_at_s"),
        wait_s=_maybe_seconds(c.get("wait_s"), f"{where}.wait_s"),
    )


def parse_contact(export: Mapping[str, Any]) -> ContactExport:
    """The contact centre's export (`GET /admin/export`)."""
    where = "contact-centre export"
    return ContactExport(
        int(export.get("agents", 0)),
        int(export.get("queue_max", 0)),
        _items(export, "calls", where, _call),
    )


PARSERS: Mapping[str, Callable[[Mapping[str, Any]], Any]] = {
    STATUS: parse_status,
    NOTIFICATIONS: parse_notifications,
    CONTACT_CENTRE: parse_contact,
}


def people_exports(exports: Mapping[str, Any]) -> PeopleExports:
    """The people services' exports from a run's stored exports, each parsed or explained."""
    parsed: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for service, parse in PARSERS.items():
        data = exports.get(service)
        if not isinstance(data, Mapping):
            problems[service] = f"the run stored no {service} export"
        elif "error" in data:
            problems[service] = f"{service} export failed: {data['error']}"
        else:
            try:
                parsed[service] = parse(data)
            except (ExportShapeError, TypeError, ValueError) as exc:
                problems[service] = str(exc)
    return PeopleExports(
        parsed.get(STATUS), parsed.get(NOTIFICATIONS), parsed.get(CONTACT_CENTRE), problems
    )


def problem_of(people: PeopleExports, service: str) -> str:
    """Why `service`'s export is missing, in words."""
    return people.problems.get(service, f"the run stored no {service} export")
