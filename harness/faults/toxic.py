"""`toxic`: add a Toxiproxy toxic to a link; heal removes it."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from harness.control.toxiproxy import ToxicSpec
from harness.errors import ProxyError
from harness.faults.base import FaultContext


@dataclass(frozen=True)
class ToxicFault:
    link: str
    toxic: ToxicSpec
    kind: str = "toxic"
    reversible: bool = True

    def inject(self, ctx: FaultContext) -> None:
        ctx.proxies.add_toxic(self.link, self.toxic)

    def heal(self, ctx: FaultContext) -> None:
        with contextlib.suppress(ProxyError):  # already gone: removed by an action, never added
            ctx.proxies.remove_toxic(self.link, self.toxic.effective_name)

    def describe(self) -> str:
        attrs = ", ".join(f"{k}={v}" for k, v in self.toxic.attributes.items())
        return (
            f"{self.toxic.type} toxic on {self.link} ({self.toxic.stream}"
            f"{', ' + attrs if attrs else ''}, toxicity {self.toxic.toxicity:g})"
        )


@dataclass(frozen=True)
class ToxicRemoval:
    link: str
    name: str
    kind: str = "toxic_remove"
    reversible: bool = False

    def inject(self, ctx: FaultContext) -> None:
        ctx.proxies.remove_toxic(self.link, self.name)

    def heal(self, ctx: FaultContext) -> None:
        """Nothing to undo: removing a toxic is itself a repair."""

    def describe(self) -> str:
        return f"remove toxic {self.name} from {self.link}"
