"""Address guard: never fetch from the machine's own networks.

A feed URL comes from a user, and a redirect from a server, so both may point at loopback, the
private network or a cloud metadata endpoint. The guard refuses loopback, private, shared
(carrier-grade NAT), link-local (including cloud metadata), multicast, unspecified, reserved and
documentation addresses, IPv4 and IPv6 alike, IPv4 inside IPv6 (mapped, compatible, NAT64,
6to4), and the numeric spellings that resolvers accept for IPv4 (`2130706433`, `0177.0.0.1`,
`0x7f.1`, `127.1`). Networks named in `fetch_allow` are let through.

`GuardedBackend` is the network layer under httpx: it resolves the host once, refuses the
connection if ANY of its addresses is refused, and connects to the checked address itself, so
a second DNS answer (rebinding) cannot swap in another address. It also clamps every socket wait
to the fetch's total deadline, so a server that drips bytes cannot keep a fetch alive.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any

import httpcore

from tidings.core import IngestError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_METADATA = {
    ipaddress.ip_address("169.254.169.254"),  # AWS, GCP, Azure, OpenStack, DigitalOcean …
    ipaddress.ip_address("169.254.170.2"),  # AWS ECS task metadata
    ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud
    ipaddress.ip_address("fd00:ec2::254"),  # AWS over IPv6
}

_PRIVATE = "a private address"
_RESERVED = "a reserved address"
_DOCS = "a documentation address"

_V4_RULES: tuple[tuple[ipaddress.IPv4Network, str], ...] = tuple(
    (ipaddress.IPv4Network(net), reason)
    for net, reason in (
        ("0.0.0.0/8", "an unspecified address"),
        ("127.0.0.0/8", "a loopback address"),
        ("10.0.0.0/8", _PRIVATE),
        ("172.16.0.0/12", _PRIVATE),
        ("192.168.0.0/16", _PRIVATE),
        ("100.64.0.0/10", "a shared (carrier-grade NAT) address"),
        ("169.254.0.0/16", "a link-local address"),
        ("192.0.0.0/24", _RESERVED),
        ("192.0.2.0/24", _DOCS),
        ("198.18.0.0/15", _RESERVED),
        ("198.51.100.0/24", _DOCS),
        ("203.0.113.0/24", _DOCS),
        ("224.0.0.0/4", "a multicast address"),
        ("240.0.0.0/4", _RESERVED),  # includes the broadcast address 255.255.255.255
    )
)

_V6_RULES: tuple[tuple[ipaddress.IPv6Network, str], ...] = tuple(
    (ipaddress.IPv6Network(net), reason)
    for net, reason in (
        ("::/128", "an unspecified address"),
        ("::1/128", "a loopback address"),
        ("fe80::/10", "a link-local address"),
        ("fec0::/10", "a site-local address"),
        ("fc00::/7", "a private (unique local) address"),
        ("ff00::/8", "a multicast address"),
        ("100::/64", _RESERVED),
        ("64:ff9b:1::/48", "a local NAT64 address"),
        ("2001::/32", "a Teredo tunnel address"),
        ("2001:db8::/32", _DOCS),
        ("2001::/23", _RESERVED),
        ("3fff::/20", _DOCS),
    )
)

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_COMPATIBLE = ipaddress.IPv6Network("::/96")  # deprecated IPv4-compatible ::a.b.c.d


class AddressRefused(IngestError):
    """A fetch was refused because its host is, or resolves to, an internal address."""

    def __init__(self, message: str, address: IPAddress | None = None) -> None:
        super().__init__(message)
        self.address = address


def parse_ip(host: str) -> IPAddress | None:
    """The address a literal host stands for, in every spelling a resolver accepts: IPv6 (with
    or without brackets, with a zone), dotted IPv4 and the inet_aton forms (one to four parts,
    each decimal, octal with a leading 0, or hex with 0x). None for a host name."""
    text = host.strip().rstrip(".").lower()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if ":" in text:
        try:
            return ipaddress.IPv6Address(text.split("%", 1)[0])
        except ValueError:
            return None
    parts = text.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    values: list[int] = []
    for part in parts:
        try:
            if part.startswith("0x"):
                values.append(int(part[2:], 16))
            elif len(part) > 1 and part.startswith("0"):
                values.append(int(part, 8))
            elif part.isdigit():
                values.append(int(part))
            else:
                return None
        except ValueError:
            return None
    *head, last = values
    if any(v > 255 for v in head) or last >= 256 ** (5 - len(values)):
        return None
    number = last
    for i, value in enumerate(head):
        number |= value << (8 * (3 - i))
    return ipaddress.IPv4Address(number)


def _embedded_v4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64 or (address in _COMPATIBLE and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


class AddressGuard:
    """Decides which addresses may be fetched from. `allow` lists networks (CIDR strings)
    that are let through although internal."""

    def __init__(self, allow: Iterable[str] = ()) -> None:
        self.allow: tuple[IPNetwork, ...] = tuple(
            ipaddress.ip_network(net.strip(), strict=False) for net in allow if net.strip()
        )

    def _allowed(self, address: IPAddress) -> bool:
        return any(address.version == net.version and address in net for net in self.allow)

    def refusal(self, address: IPAddress) -> str | None:
        """Why `address` may not be fetched from ("a private address"), or None when it may."""
        if self._allowed(address):
            return None
        if address in _METADATA:
            return "a cloud metadata address"
        if isinstance(address, ipaddress.IPv4Address):
            return next((reason for net, reason in _V4_RULES if address in net), None)
        inner = _embedded_v4(address)
        if inner is not None:
            if self._allowed(inner):
                return None
            why = self.refusal(inner)
            return f"{why} (IPv4 {inner} inside IPv6)" if why else None
        return next((reason for net6, reason in _V6_RULES if address in net6), None)

    def check_literal(self, host: str) -> None:
        """Refuse a host written as an address that is refused (no DNS involved)."""
        address = parse_ip(host)
        if address is not None and (why := self.refusal(address)) is not None:
            raise AddressRefused(f"{address} is {why}", address)

    def resolve(self, host: str, port: int) -> list[IPAddress]:
        """Every address `host` stands for, after DNS. Raises AddressRefused when ANY of them is
        refused, httpcore.ConnectError when the name does not resolve."""
        literal = parse_ip(host)
        if literal is not None:
            self.check_literal(host)
            return [literal]
        try:
            infos = socket.getaddrinfo(
                host.strip("[]"), port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
            )
        except (socket.gaierror, UnicodeError) as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        found: list[IPAddress] = []
        for info in infos:
            address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
            if address not in found:
                found.append(address)
        if not found:
            raise httpcore.ConnectError(f"cannot resolve {host}: no addresses")
        for address in found:
            why = self.refusal(address)
            if why is not None:
                raise AddressRefused(f"{host} resolves to {address}, {why}", address)
        return found


# -- the network layer under httpx -----------------------------------------------------------


class GuardedBackend(httpcore.NetworkBackend):
    """Connects only to addresses the guard accepts, pinned to the address it checked, and
    keeps every socket wait within the current fetch's deadline (set per thread)."""

    def __init__(self, guard: AddressGuard, inner: httpcore.NetworkBackend | None = None) -> None:
        self.guard = guard
        self._inner = inner if inner is not None else httpcore.SyncBackend()
        self._local = threading.local()

    @contextlib.contextmanager
    def deadline(self, at: float) -> Iterator[None]:
        """Within this block, socket waits in this thread end at `at` (time.monotonic())."""
        previous = getattr(self._local, "deadline", None)
        self._local.deadline = at
        try:
            yield
        finally:
            self._local.deadline = previous

    def extend(self, seconds: float) -> None:
        """Move this thread's deadline later (time spent waiting for a turn is not fetching)."""
        at: float | None = getattr(self._local, "deadline", None)
        if at is not None:
            self._local.deadline = at + seconds

    def current_deadline(self) -> float | None:
        return getattr(self._local, "deadline", None)

    def clamp(self, timeout: float | None, error: type[Exception]) -> float | None:
        at: float | None = getattr(self._local, "deadline", None)
        if at is None:
            return timeout
        remaining = at - time.monotonic()
        if remaining <= 0:
            raise error("the total time allowed for this fetch has run out")
        return remaining if timeout is None else min(timeout, remaining)

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = self.guard.resolve(host, port)
        failure: Exception | None = None
        for address in addresses:
            try:
                stream = self._inner.connect_tcp(
                    str(address),
                    port,
                    timeout=self.clamp(timeout, httpcore.ConnectTimeout),
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
                continue
            return _DeadlineStream(stream, self)
        assert failure is not None
        raise failure

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("fetching over a unix socket is not allowed")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, backend: GuardedBackend) -> None:
        self._inner = inner
        self._backend = backend

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._backend.clamp(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._backend.clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.start_tls(
            ssl_context, server_hostname, self._backend.clamp(timeout, httpcore.ConnectTimeout)
        )
        return _DeadlineStream(stream, self._backend)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)
