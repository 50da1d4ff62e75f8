"""httpx's transport for Kolada, on asyncio's own streams instead of anyio's.

A data page is half a megabyte. httpx's default network backend (anyio) stops the socket's
reading after every chunk that arrives and starts it again before the next (two ``epoll_ctl``
calls, each giving the GIL up and taking it back), and hands httpcore 64 KiB at a time, each a
pass through h11 and four layers of generators. This backend reads through an asyncio
``StreamReader`` that keeps reading while it has room, and gives httpcore whatever has arrived,
up to ``READ_BYTES``: a full sync took 15 % less time and 18 % less CPU (bench/README.md).
Everything else (the connection pool, HTTP/1.1, TLS, proxies from the environment, httpx's
exceptions) stays httpx's and httpcore's.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
from collections.abc import Iterable, Iterator
from typing import Any

import httpcore
import httpx

# What one read hands httpcore at most, whatever it asked for (its 64 KiB is a default of its
# own, not a limit of h11's, which takes data of any size).
READ_BYTES = 1 << 20
# The reader's buffer: asyncio stops reading the socket beyond twice this, until it is read.
BUFFER_BYTES = 1 << 20


@contextlib.contextmanager
def _mapped(timeout: type[Exception], error: type[Exception]) -> Iterator[None]:
    """asyncio's and the socket's exceptions as httpcore's, which httpx maps to its own."""
    try:
        yield
    except TimeoutError as exc:
        raise timeout(str(exc) or type(exc).__name__) from exc
    except OSError as exc:  # resets, refusals, TLS errors (ssl.SSLError)
        raise error(str(exc) or type(exc).__name__) from exc


class StreamNetworkStream(httpcore.AsyncNetworkStream):
    """One connection, as httpcore reads and writes it."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        with _mapped(httpcore.ReadTimeout, httpcore.ReadError):
            async with asyncio.timeout(timeout):
                return await self._reader.read(max(max_bytes, READ_BYTES))

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        with _mapped(httpcore.WriteTimeout, httpcore.WriteError):
            async with asyncio.timeout(timeout):
                self._writer.write(buffer)
                await self._writer.drain()

    async def aclose(self) -> None:
        # Not ``wait_closed``: that waits for the peer, which may never answer a TLS
        # close_notify nor read what is still unsent. One turn of the loop lets a plain close go
        # out; ``abort`` ends whatever is left, at once (anyio closes its sockets the same way).
        transport = self._writer.transport
        transport.close()
        try:
            await asyncio.sleep(0)
        finally:
            transport.abort()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            with _mapped(httpcore.ConnectTimeout, httpcore.ConnectError):
                async with asyncio.timeout(timeout):
                    await self._writer.start_tls(ssl_context, server_hostname=server_hostname)
        except BaseException:
            await self.aclose()
            raise
        return self

    def get_extra_info(self, info: str) -> Any:
        if info == "ssl_object":
            return self._writer.get_extra_info("ssl_object")
        if info == "client_addr":
            return self._writer.get_extra_info("sockname")
        if info == "server_addr":
            return self._writer.get_extra_info("peername")
        if info == "socket":
            return self._writer.get_extra_info("socket")
        if info == "is_readable":
            # httpcore asks before it sends on an idle connection: readable means the server
            # closed it, so it is not used again. The loop reads every socket as data comes
            # (the stream is never paused while idle), so the reader knows: no poll of the
            # socket, whose system call gave the GIL up and waited to take it back.
            return self._reader.at_eof() or self._reader.exception() is not None
        return None


def _set_options(sock: socket.socket, options: Iterable[httpcore.SOCKET_OPTION] | None) -> None:
    for option in options or ():
        sock.setsockopt(*option)


class StreamNetworkBackend(httpcore.AsyncNetworkBackend):
    """httpcore's connections on asyncio streams (see the module's docstring)."""

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        with _mapped(httpcore.ConnectTimeout, httpcore.ConnectError):
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_connection(
                    host,
                    port,
                    limit=BUFFER_BYTES,
                    local_addr=(local_address, 0) if local_address else None,
                )
            sock = writer.get_extra_info("socket")
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # as anyio does
            _set_options(sock, socket_options)
        return StreamNetworkStream(reader, writer)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        with _mapped(httpcore.ConnectTimeout, httpcore.ConnectError):
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_unix_connection(path, limit=BUFFER_BYTES)
            _set_options(writer.get_extra_info("socket"), socket_options)
        return StreamNetworkStream(reader, writer)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class KoladaTransport(httpx.AsyncHTTPTransport):
    """httpx's HTTP transport with its connections on ``StreamNetworkBackend``.

    httpx has no option for httpcore's network backend, so the connection pool it makes is
    made again with one, from the same settings. Should a version of httpx keep its pool
    elsewhere, its own stays (``uses_stream_backend`` says which; a test checks it).
    """

    def __init__(self, *, verify: ssl.SSLContext, limits: httpx.Limits) -> None:
        super().__init__(verify=verify, limits=limits)
        if type(getattr(self, "_pool", None)) is httpcore.AsyncConnectionPool:
            self._pool = httpcore.AsyncConnectionPool(
                ssl_context=verify,
                max_connections=limits.max_connections,
                max_keepalive_connections=limits.max_keepalive_connections,
                keepalive_expiry=limits.keepalive_expiry,
                network_backend=StreamNetworkBackend(),
            )

    @property
    def uses_stream_backend(self) -> bool:
        pool = getattr(self, "_pool", None)
        return isinstance(getattr(pool, "_network_backend", None), StreamNetworkBackend)
