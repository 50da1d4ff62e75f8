"""glokal.kolada.transport: httpx's connections on asyncio transports, over HTTP and HTTPS."""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import trustme

from glokal.errors import KoladaUnavailable
from glokal.kolada import KoladaClient, RetryPolicy
from glokal.kolada.transport import KoladaTransport
from tests.kolada.conftest import FAST_RETRY, YEARS
from tests.kolada.replay import Faults, ReplayDataset, ReplayServer

ONE_ATTEMPT = RetryPolicy(attempts=1)


@pytest.fixture
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def server_tls(ca: trustme.CA) -> ssl.SSLContext:
    """A server's context with a certificate for 127.0.0.1 from the test CA."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    return context


@pytest.fixture
def trusted(ca: trustme.CA) -> ssl.SSLContext:
    """A client's context that trusts the test CA."""
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


@pytest.fixture
def https_replay(dataset: ReplayDataset, server_tls: ssl.SSLContext) -> Iterator[ReplayServer]:
    with ReplayServer(dataset, tls=server_tls) as server:
        yield server


def _fetch(url: str, kpi: str, **options: Any) -> tuple[Any, Any]:
    async def go() -> tuple[Any, Any]:
        async with KoladaClient(url, rate=0, **options) as client:
            return await client.data([kpi], YEARS), await client.municipalities()

    return asyncio.run(go())


def test_the_client_connects_through_the_stream_backend() -> None:
    # Fails should a version of httpx keep its connection pool where this cannot replace it.
    transport = KoladaTransport(
        verify=ssl.create_default_context(), limits=httpx.Limits(max_connections=2)
    )
    assert transport.uses_stream_backend


def test_pages_over_https_are_the_pages_over_http(
    replay: ReplayServer, https_replay: ReplayServer, trusted: ssl.SSLContext
) -> None:
    kpi = sorted(replay.dataset.kpi_by_id)[0]
    assert https_replay.base_url.startswith("https://127.0.0.1:")
    over_https = _fetch(https_replay.base_url, kpi, retry=ONE_ATTEMPT, tls=trusted)
    over_http = _fetch(replay.base_url, kpi, retry=ONE_ATTEMPT)
    assert over_https == over_http
    assert len(over_https[0]) > 5000  # more than one page, read through TLS


def test_a_certificate_nobody_trusts_is_refused_naming_the_problem(
    https_replay: ReplayServer,
) -> None:
    kpi = sorted(https_replay.dataset.kpi_by_id)[0]
    with pytest.raises(KoladaUnavailable, match=r"ConnectError: .*CERTIFICATE_VERIFY_FAILED"):
        _fetch(https_replay.base_url, kpi, retry=ONE_ATTEMPT)


def test_a_connection_the_server_closed_while_idle_is_not_used_again(
    replay: ReplayServer,
) -> None:
    async def go() -> tuple[int, int]:
        async with KoladaClient(replay.base_url, rate=0, retry=ONE_ATTEMPT) as client:
            await client.municipalities()
            opened = replay.connections_opened
            with replay._lock:
                connections = list(replay._connections)
            for connection in connections:  # the server hangs up on the idle keep-alive
                connection.shutdown(socket.SHUT_RDWR)
            await asyncio.sleep(0.2)
            await client.municipalities()  # one attempt: the closed connection would fail it
            return opened, replay.connections_opened

    opened, after = asyncio.run(go())
    assert after == opened + 1


@pytest.mark.parametrize(
    ("faults", "problem"),
    [
        (Faults(rate_slow=1, slow_seconds=1.0), "ReadTimeout"),
        (Faults(rate_drop=1), "RemoteProtocolError: Server disconnected"),
    ],
)
def test_what_the_network_did_is_named(replay: ReplayServer, faults: Faults, problem: str) -> None:
    replay.faults = faults
    kpi = sorted(replay.dataset.kpi_by_id)[0]
    with pytest.raises(KoladaUnavailable, match=f"after 1 attempt \\(last: {problem}"):
        _fetch(replay.base_url, kpi, retry=ONE_ATTEMPT, timeout=0.3)


def test_faults_are_retried_through_the_stream_backend(replay: ReplayServer) -> None:
    kpi = sorted(replay.dataset.kpi_by_id)[0]
    clean = _fetch(replay.base_url, kpi, retry=ONE_ATTEMPT)
    replay.faults = Faults(rate_drop=0.3, rate_truncate=0.2, rate_slow=0.2, slow_seconds=0.5)
    assert _fetch(replay.base_url, kpi, retry=FAST_RETRY, timeout=0.25) == clean


def test_closing_does_not_wait_for_a_server_that_never_answers_the_close(
    server_tls: ssl.SSLContext, trusted: ssl.SSLContext
) -> None:
    # A TLS close asks the peer to confirm; this server answers one request and then keeps
    # the connection open, silent. Waiting for it held the end of a sync for 30 s.
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    silent = threading.Event()
    release = threading.Event()

    def serve() -> None:
        connection, _address = listener.accept()
        with server_tls.wrap_socket(connection, server_side=True) as tls:
            tls.recv(65536)
            tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
            silent.set()
            release.wait(30)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()

    async def go() -> float:
        transport = KoladaTransport(verify=trusted, limits=httpx.Limits(max_connections=1))
        client = httpx.AsyncClient(transport=transport)
        response = await client.get(f"https://127.0.0.1:{port}/")
        assert response.json() == {}
        assert silent.wait(5)
        started = time.monotonic()
        await client.aclose()
        return time.monotonic() - started

    try:
        assert asyncio.run(go()) < 2
    finally:
        release.set()
        thread.join(5)
        listener.close()


@pytest.mark.parametrize("tls", [False, True], ids=["http", "https"])
def test_bodies_larger_than_the_buffer_pass_whole_both_ways_when_the_other_side_is_slow(
    tls: bool, server_tls: ssl.SSLContext, trusted: ssl.SSLContext
) -> None:
    # 8 MB each way, eight times the connection's buffer: the socket's reading is paused
    # while the client does not read, and resumed; over HTTP the writing too, while the
    # server does not read (Python's TLS transport takes a large write into its own buffer).
    body = bytes(range(256)) * (8 * 4096)
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    received: list[bytes] = []

    def serve() -> None:
        connection, _address = listener.accept()
        with server_tls.wrap_socket(connection, server_side=True) if tls else connection as peer:
            data = b""
            while b"\r\n\r\n" not in data:
                data += peer.recv(65536)
            head, _, upload = data.partition(b"\r\n\r\n")
            length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
            while len(upload) < length:
                time.sleep(0.001)  # a slow reader: the client's writes wait for room
                upload += peer.recv(65536)
            received.append(upload)
            peer.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()

    async def go() -> bytes:
        transport = KoladaTransport(verify=trusted, limits=httpx.Limits(max_connections=1))
        scheme = "https" if tls else "http"
        async with httpx.AsyncClient(transport=transport, timeout=30) as client:
            request = client.build_request("POST", f"{scheme}://127.0.0.1:{port}/", content=body)
            response = await client.send(request, stream=True)
            await asyncio.sleep(0.3)  # the answer waits unread: reading pauses
            chunks = []
            async for chunk in response.aiter_raw():
                chunks.append(chunk)
                await asyncio.sleep(0.001)
            await response.aclose()
            return b"".join(chunks)

    try:
        assert asyncio.run(go()) == body
        assert received == [body]
    finally:
        thread.join(5)
        listener.close()
