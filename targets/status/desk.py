"""The status desk: detection, the incident board, the store and the notifications, together.

`StatusDesk` is what the routes and the background tick call: `observe` takes a batch of the
mobile API's feed, `alert` a breach detector's alert, `tick` assesses detection and moves the
board on (every `status_probe_interval_s`), `post`/`resolve` are a human's. Every incident it
changes is stored at once; every notification it decides on is recorded and handed to
`dispatch` (the app sends it in the background). With `status_detection` "manual" (fragile)
the feed and the alerts are taken and ignored: no detection runs and nothing changes by itself.

This module must not do network I/O itself (the app passes `dispatch`); the clock is passed in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from targets.profiles import Profile
from targets.status.board import BoardPolicy, IncidentBoard
from targets.status.detection import (
    BurnPolicy,
    BurnRateDetector,
    Detection,
    DetectionKind,
    Detector,
    Health,
    ObservationBatch,
)
from targets.status.incident import Incident, IncidentKind, IncidentSource
from targets.status.notify import Coverage, NotificationRequest, plan_reset
from targets.status.store import StatusStore

Dispatch = Callable[[NotificationRequest], None]


class StatusDesk:
    def __init__(
        self,
        profile: Profile,
        store: StatusStore,
        clock: Callable[[], float],
        dispatch: Dispatch = lambda _: None,
    ) -> None:
        self.profile = profile
        self.store = store
        self.clock = clock
        self.dispatch = dispatch
        self.automatic = profile.status_detection == "auto"
        self.detector = Detector(BurnRateDetector(BurnPolicy.from_profile(profile)))
        self.board = IncidentBoard(BoardPolicy.from_profile(profile), store.incidents())
        self.coverage = Coverage()
        for sent in store.notifications():
            if sent["customers"] == "all" and sent["incident_id"] is not None:
                self.coverage.told_all(sent["incident_id"])
        self.health = Health(clock(), {})
        self.updated_at_s = max((i.last_update_s for i in self.board.incidents()), default=clock())

    def observe(self, batch: ObservationBatch) -> None:
        """One batch of the mobile API's feed (at the earlier of its time and now)."""
        if self.automatic:
            now = self.clock()
            self.detector.burn.add(ObservationBatch(min(batch.at_s, now), batch.observations))

    def tick(self) -> list[Incident]:
        """Assess detection now and move the automatic incidents on; the changed incidents."""
        if not self.automatic:
            return []
        health, detections = self.detector.assess(self.clock())
        if set(health.unhealthy()) != set(self.health.unhealthy()):
            self.updated_at_s = health.at_s
        self.health = health
        for detection in detections:
            self.store.add_detection(detection)
        changed = self.board.step(health, detections)
        self._keep(changed)
        self._notify()
        return changed

    def alert(self, at_s: float, kind: DetectionKind, detail: str) -> Incident | None:
        """A breach detector's alert (honeytoken or access anomaly)."""
        if not self.automatic:
            return None
        now = min(at_s, self.clock())
        self.store.add_detection(Detection(now, kind, None, detail))
        source: IncidentSource = "honeytoken" if kind == "honeytoken" else "access_anomaly"
        incident = self.board.security_alert(now, source, detail)
        self._keep([] if incident is None else [incident])
        self._notify()
        return incident

    def post(
        self, title: str, message: str, components: Sequence[str], kind: IncidentKind
    ) -> Incident:
        """A human posts an incident."""
        incident = self.board.open_manual(self.clock(), title, message, components, kind)
        self._keep([incident])
        return incident

    def resolve(self, incident_id: str, message: str) -> Incident | None:
        """A human resolves an incident; None for an unknown id."""
        incident = self.board.resolve(self.clock(), incident_id, message)
        if incident is not None:
            self._keep([incident])
        return incident

    def notify_reset(self, message: str) -> NotificationRequest | None:
        """Tell every customer to reset their password (only with `notify_customers`)."""
        if not self.profile.notify_customers:
            return None
        request = plan_reset(self.clock(), message)
        self._request(request)
        return request

    def reset_ordered(self, message: str) -> NotificationRequest | None:
        """The bank forced every customer to set a new password: with its own detection on
        (hardened) it says so on the page (a security incident on `login`) and, with
        `notify_customers`, tells every customer; the fragile bank does neither."""
        if not self.automatic:
            return None
        title = "Password reset required for every customer"
        self.post(title, message, ("login",), "security")
        return self.notify_reset(message)

    def _keep(self, changed: Sequence[Incident]) -> None:
        for incident in changed:
            self.store.save(incident)
            self.updated_at_s = max(self.updated_at_s, incident.last_update_s)

    def _notify(self) -> None:
        """Ask for the notifications the open automatic incidents still need."""
        if not self.profile.notify_customers:
            return
        for incident in self.board.incidents():
            if incident.is_open and incident.automatic:
                now = self.clock()
                request = self.coverage.plan(incident, now, self.health.failed_customers)
                if request is not None:
                    self._request(request)

    def _request(self, request: NotificationRequest) -> None:
        self.store.add_notification(request.record())
        self.dispatch(request)
