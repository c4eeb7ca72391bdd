"""The address guard: which hosts and addresses may be fetched from. Pure checks, no traffic
(resolution is faked where a test needs a name to resolve to a given address)."""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

import httpcore
import pytest

from tidings.ingest import AddressGuard, AddressRefused, parse_ip
from tidings.ingest.guard import GuardedBackend


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),  # one decimal number
        ("0x7f000001", "127.0.0.1"),  # one hex number
        ("017700000001", "127.0.0.1"),  # one octal number
        ("0177.0.0.1", "127.0.0.1"),  # octal part
        ("0x7f.1", "127.0.0.1"),  # hex part, short form
        ("127.1", "127.0.0.1"),  # a.b: b fills three bytes
        ("10.1.1", "10.1.0.1"),  # a.b.c: c fills two bytes
        ("0x0a.0.0.0x01", "10.0.0.1"),
        ("169.254.169.254.", "169.254.169.254"),  # trailing dot
        ("0", "0.0.0.0"),
        ("::1", "::1"),
        ("[::1]", "::1"),
        ("[::ffff:127.0.0.1]", "::ffff:7f00:1"),
        ("[fe80::1%eth0]", "fe80::1"),
        ("2606:4700::1111", "2606:4700::1111"),
    ],
)
def test_every_spelling_of_an_address_is_read(host: str, address: str) -> None:
    assert parse_ip(host) == ipaddress.ip_address(address)


@pytest.mark.parametrize(
    "host", ["example.com", "localhost", "256.1", "1.16777216", "1.2.3.4.5", "0x", "08.1", ""]
)
def test_names_and_invalid_numbers_are_not_addresses(host: str) -> None:
    assert parse_ip(host) is None


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "a loopback address"),
        ("127.255.0.9", "a loopback address"),
        ("10.0.0.1", "a private address"),
        ("172.16.5.4", "a private address"),
        ("172.31.255.255", "a private address"),
        ("192.168.1.1", "a private address"),
        ("100.64.0.1", "a shared (carrier-grade NAT) address"),
        ("169.254.1.1", "a link-local address"),
        ("169.254.169.254", "a cloud metadata address"),
        ("169.254.170.2", "a cloud metadata address"),
        ("100.100.100.200", "a cloud metadata address"),
        ("fd00:ec2::254", "a cloud metadata address"),
        ("224.0.0.1", "a multicast address"),
        ("239.255.255.250", "a multicast address"),
        ("0.0.0.0", "an unspecified address"),
        ("255.255.255.255", "a reserved address"),
        ("240.0.0.1", "a reserved address"),
        ("192.0.2.7", "a documentation address"),
        ("198.18.0.1", "a reserved address"),
        ("::", "an unspecified address"),
        ("::1", "a loopback address"),
        ("fe80::1", "a link-local address"),
        ("fc00::1", "a private (unique local) address"),
        ("fd12:3456::1", "a private (unique local) address"),
        ("ff02::1", "a multicast address"),
        ("2001:db8::1", "a documentation address"),
        ("::ffff:127.0.0.1", "a loopback address (IPv4 127.0.0.1 inside IPv6)"),
        ("::ffff:10.0.0.1", "a private address (IPv4 10.0.0.1 inside IPv6)"),
        ("::ffff:169.254.169.254", "a cloud metadata address (IPv4 169.254.169.254 inside IPv6)"),
        ("64:ff9b::a9fe:a9fe", "a cloud metadata address (IPv4 169.254.169.254 inside IPv6)"),
        ("2002:c0a8:0101::1", "a private address (IPv4 192.168.1.1 inside IPv6)"),
        ("::127.0.0.1", "a loopback address (IPv4 127.0.0.1 inside IPv6)"),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "a Teredo tunnel address"),
    ],
)
def test_internal_addresses_are_refused_with_the_reason(address: str, reason: str) -> None:
    assert AddressGuard().refusal(ipaddress.ip_address(address)) == reason


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "1.1.1.1", "172.32.0.1", "2606:4700::1111", "::ffff:8.8.8.8"]
)
def test_public_addresses_are_allowed(address: str) -> None:
    assert AddressGuard().refusal(ipaddress.ip_address(address)) is None


def test_the_allow_list_lets_named_networks_through_and_nothing_else() -> None:
    guard = AddressGuard(["127.0.0.0/8", "10.1.0.0/16", "fd00::/8"])
    assert guard.refusal(ipaddress.ip_address("127.0.0.1")) is None
    assert guard.refusal(ipaddress.ip_address("::ffff:127.0.0.1")) is None  # same address
    assert guard.refusal(ipaddress.ip_address("10.1.2.3")) is None
    assert guard.refusal(ipaddress.ip_address("fd00:ec2::254")) is None  # explicitly allowed
    assert guard.refusal(ipaddress.ip_address("10.2.0.1")) == "a private address"
    assert guard.refusal(ipaddress.ip_address("::1")) == "a loopback address"
    assert guard.refusal(ipaddress.ip_address("169.254.169.254")) == "a cloud metadata address"


def test_a_literal_host_is_refused_without_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_dns(*args: Any, **kw: Any) -> Any:
        raise AssertionError("no DNS lookup for a literal address")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    guard = AddressGuard()
    for host, message in [
        ("2130706433", "127.0.0.1 is a loopback address"),
        ("0x7f.1", "127.0.0.1 is a loopback address"),
        ("0177.0.0.1", "127.0.0.1 is a loopback address"),
        ("[::ffff:10.0.0.1]", "::ffff:a00:1 is a private address (IPv4 10.0.0.1 inside IPv6)"),
    ]:
        with pytest.raises(AddressRefused) as caught:
            guard.resolve(host, 80)
        assert caught.value.message == message
    assert guard.resolve("8.8.8.8", 80) == [ipaddress.ip_address("8.8.8.8")]


def _fake_dns(monkeypatch: pytest.MonkeyPatch, table: dict[str, list[str]]) -> list[str]:
    asked: list[str] = []

    def getaddrinfo(host: str, port: int, *args: Any, **kw: Any) -> list[Any]:
        asked.append(host)
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (
                socket.AF_INET6 if ":" in a else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (a, port),
            )
            for a in table[host]
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


def test_a_name_is_refused_when_any_of_its_addresses_is_internal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _fake_dns(
        monkeypatch,
        {
            "news.example": ["93.184.216.34", "2606:2800:220:1::1"],
            "mixed.example": ["93.184.216.34", "10.0.0.7"],
            "metadata.google.internal": ["169.254.169.254"],
            "v6only.example": ["fd00::5"],
        },
    )
    guard = AddressGuard()
    assert [str(a) for a in guard.resolve("news.example", 443)] == [
        "93.184.216.34",
        "2606:2800:220:1::1",
    ]
    refused = {
        "mixed.example": "mixed.example resolves to 10.0.0.7, a private address",
        "metadata.google.internal": (
            "metadata.google.internal resolves to 169.254.169.254, a cloud metadata address"
        ),
        "v6only.example": "v6only.example resolves to fd00::5, a private (unique local) address",
    }
    for host, message in refused.items():
        with pytest.raises(AddressRefused) as caught:
            guard.resolve(host, 443)
        assert caught.value.message == message
    with pytest.raises(httpcore.ConnectError, match=r"cannot resolve nowhere\.example"):
        guard.resolve("nowhere.example", 443)


def test_localhost_is_refused_through_the_real_resolver() -> None:
    with pytest.raises(AddressRefused, match=r"^localhost resolves to (127\.0\.0\.1|::1), a "):
        AddressGuard().resolve("localhost", 80)
    assert AddressGuard(["127.0.0.0/8", "::1/128"]).resolve("localhost", 80)


class _Recorder(httpcore.NetworkBackend):
    """Stands in for the socket layer: records where connections go, opens none."""

    def __init__(self) -> None:
        self.connected: list[tuple[str, int]] = []

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        self.connected.append((host, port))
        raise httpcore.ConnectError("recorded, not connected")


def test_the_network_layer_connects_to_the_address_it_checked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A name is resolved once and the connection goes to that checked address, so a second,
    different DNS answer (rebinding) is never used."""
    asked = _fake_dns(monkeypatch, {"news.example": ["93.184.216.34"], "evil.example": ["::1"]})
    inner = _Recorder()
    backend = GuardedBackend(AddressGuard(), inner)
    with pytest.raises(httpcore.ConnectError, match="recorded"):
        backend.connect_tcp("news.example", 443)
    assert inner.connected == [("93.184.216.34", 443)]
    assert asked == ["news.example"]
    with pytest.raises(AddressRefused, match=r"evil\.example resolves to ::1, a loopback"):
        backend.connect_tcp("evil.example", 443)
    with pytest.raises(AddressRefused):
        backend.connect_tcp("0x7f.0.0.1", 80)
    with pytest.raises(httpcore.ConnectError, match="unix socket"):
        backend.connect_unix_socket("/run/docker.sock")
    assert inner.connected == [("93.184.216.34", 443)]  # nothing else was attempted


def test_the_fetch_allow_setting_reads_comma_separated_networks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pydantic import ValidationError

    from tidings.core import Settings

    monkeypatch.setenv("TIDINGS_FETCH_ALLOW", "127.0.0.0/8, fd00::/8,10.0.0.5")
    assert Settings().fetch_allow == ["127.0.0.0/8", "fd00::/8", "10.0.0.5"]
    monkeypatch.setenv("TIDINGS_FETCH_ALLOW", "")
    assert Settings().fetch_allow == []
    monkeypatch.setenv("TIDINGS_FETCH_ALLOW", "10.0.0.0/8,not-a-network")
    with pytest.raises(ValidationError, match="not a network"):
        Settings()
