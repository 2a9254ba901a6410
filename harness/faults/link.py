"""`link_down` / `link_up`: disable or enable a link's proxy (Toxiproxy's "down")."""

from __future__ import annotations

from dataclasses import dataclass

from harness.faults.base import FaultContext


@dataclass(frozen=True)
class LinkDown:
    link: str
    kind: str = "link_down"
    reversible: bool = True

    def inject(self, ctx: FaultContext) -> None:
        ctx.proxies.set_enabled(self.link, False)

    def heal(self, ctx: FaultContext) -> None:
        ctx.proxies.set_enabled(self.link, True)

    def describe(self) -> str:
        return f"cut link {self.link} (proxy disabled: connections closed, new ones refused)"


@dataclass(frozen=True)
class LinkUp:
    link: str
    kind: str = "link_up"
    reversible: bool = False

    def inject(self, ctx: FaultContext) -> None:
        ctx.proxies.set_enabled(self.link, True)

    def heal(self, ctx: FaultContext) -> None:
        """Nothing to undo."""

    def describe(self) -> str:
        return f"restore link {self.link}"
