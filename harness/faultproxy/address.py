"""TCP addresses the way Toxiproxy (Go's net package) reads, resolves, binds and prints them.

`host:port` or `[v6]:port`; an empty host means every interface (shown as `[::]:PORT`), and
an empty address means every interface on a free port (as `net.Listen("tcp", "")`);
`localhost` resolves to 127.0.0.1. Errors carry Go's wording, since the API returns them.
This module must not keep any state.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
from dataclasses import dataclass

LISTEN_BACKLOG = 4096


class AddressError(Exception):
    """An address could not be parsed, resolved or bound; the message is Go's error text."""


@dataclass(frozen=True)
class Endpoint:
    """A resolved address: family, numeric host ('' = every interface) and port."""

    family: int
    host: str
    port: int

    def __str__(self) -> str:
        return join_host_port(self.host, self.port)


def join_host_port(host: str, port: int) -> str:
    """`host:port`, with brackets around IPv6 hosts."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def split_host_port(address: str) -> tuple[str, str]:
    """Split like Go's net.SplitHostPort, with its error messages."""
    if address.startswith("["):
        end = address.find("]")
        if end < 0:
            raise AddressError(f"address {address}: missing ']' in address")
        rest = address[end + 1 :]
        if not rest.startswith(":"):
            raise AddressError(f"address {address}: missing port in address")
        return address[1:end], rest[1:]
    if ":" not in address:
        raise AddressError(f"address {address}: missing port in address")
    host, _, port = address.rpartition(":")
    if ":" in host:
        raise AddressError(f"address {address}: too many colons in address")
    return host, port


def parse_port(port_text: str) -> int:
    """A port number 0-65535 ('' means 0)."""
    if port_text == "":
        return 0
    if not port_text.isdigit():
        raise AddressError(f"lookup tcp/{port_text}: unknown port")
    port = int(port_text)
    if port > 65535:
        raise AddressError(f"address {port_text}: invalid port")
    return port


async def resolve(address: str, loop: asyncio.AbstractEventLoop) -> Endpoint:
    """Resolve like Go's net.ResolveTCPAddr: IPv4 preferred for names; "" is ":0"."""
    host, port_text = split_host_port(address) if address else ("", "0")
    port = parse_port(port_text)
    if host == "":
        return Endpoint(socket.AF_INET6 if socket.has_ipv6 else socket.AF_INET, "", port)
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return await _lookup(host, port, loop)
    family = socket.AF_INET6 if ip.version == 6 else socket.AF_INET
    return Endpoint(family, str(ip), port)


async def _lookup(host: str, port: int, loop: asyncio.AbstractEventLoop) -> Endpoint:
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise AddressError(f"lookup {host}: no such host") from None
    infos.sort(key=lambda info: info[0] != socket.AF_INET)
    if not infos:
        raise AddressError(f"lookup {host}: no such host")
    family, _, _, _, sockaddr = infos[0]
    return Endpoint(family, str(sockaddr[0]), port)


def resolved_text(endpoint: Endpoint) -> str:
    """What Go prints for a resolved (not yet bound) address: an empty host stays empty."""
    return f":{endpoint.port}" if endpoint.host == "" else str(endpoint)


def bind_listener(endpoint: Endpoint) -> tuple[socket.socket, str]:
    """A listening socket on the endpoint and its bound address as Go shows it."""
    family = endpoint.family
    host = endpoint.host or ("::" if family == socket.AF_INET6 else "0.0.0.0")
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6 and endpoint.host == "":
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        sock.bind((host, endpoint.port))
        sock.listen(LISTEN_BACKLOG)
        sock.setblocking(False)
    except OSError as exc:
        sock.close()
        reason = os.strerror(exc.errno).lower() if exc.errno else str(exc)
        raise AddressError(f"listen tcp {endpoint}: bind: {reason}") from None
    bound_host, bound_port = sock.getsockname()[:2]
    return sock, join_host_port(bound_host, bound_port)


async def open_listener(address: str, loop: asyncio.AbstractEventLoop) -> tuple[socket.socket, str]:
    """Resolve and bind `address`; errors read like `net.Listen`'s."""
    try:
        endpoint = await resolve(address, loop)
    except AddressError as exc:
        raise AddressError(f"listen tcp: {exc}") from None
    return bind_listener(endpoint)
