"""httpx's transport for Kolada, on asyncio's own transports instead of anyio's streams.

A data page is half a megabyte. httpx's default network backend (anyio) stops the socket's
reading after every chunk that arrives and starts it again before the next (two ``epoll_ctl``
calls, each giving the GIL up and taking it back), and hands httpcore 64 KiB at a time, each a
pass through h11 and four layers of generators. This backend keeps reading while it has room
and gives httpcore whatever has arrived, up to ``READ_BYTES``, as the chunks the loop received
(no copy into a stream's buffer and out again): a full sync took 15 % less time and 18 % less
CPU than through anyio, and 7 % less time again than through asyncio's ``StreamReader``
(bench/README.md). Everything else (the connection pool, HTTP/1.1, TLS, proxies from the
environment, httpx's exceptions) stays httpx's and httpcore's."""

from __future__ import annotations

import asyncio
import collections
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
# The socket's reading stops while more than this has come and not been read.
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


class _Connection(asyncio.Protocol):
    """One connection's bytes as the loop received them, kept as the chunks they came in.

    asyncio's ``StreamReader`` copies every chunk into one buffer and copies each read out of
    it again: two passes over every byte of 137 MB in a full sync, on the event loop's thread,
    before h11 makes its own. Here a read hands over the chunk that came, or joins the few
    that wait (bench/README.md). Reading stops while more than ``BUFFER_BYTES`` wait.
    """

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self._chunks: collections.deque[bytes] = collections.deque()
        self._waiting = 0  # bytes in _chunks
        self._eof = False
        self._error: Exception | None = None
        self._reader: asyncio.Future[None] | None = None
        self._writer: asyncio.Future[None] | None = None  # set while the transport is full
        self._reading_paused = False

    # -- asyncio's side --------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self._chunks.append(data)
        self._waiting += len(data)
        if self._waiting > BUFFER_BYTES and not self._reading_paused and self.transport:
            self.transport.pause_reading()
            self._reading_paused = True
        self._wake_reader()

    def eof_received(self) -> bool:
        self._eof = True
        self._wake_reader()
        return False  # the transport closes itself

    def connection_lost(self, exc: Exception | None) -> None:
        self._eof = True
        if exc is not None:
            self._error = exc
        self._wake_reader()
        if self._writer is not None and not self._writer.done():
            self._writer.set_result(None)  # write() then sees the error or the closing

    def pause_writing(self) -> None:
        if self._writer is None or self._writer.done():
            self._writer = asyncio.get_running_loop().create_future()

    def resume_writing(self) -> None:
        if self._writer is not None and not self._writer.done():
            self._writer.set_result(None)

    def _wake_reader(self) -> None:
        if self._reader is not None and not self._reader.done():
            self._reader.set_result(None)

    # -- httpcore's side -------------------------------------------------------------------

    async def read(self, max_bytes: int) -> bytes:
        while not self._chunks:
            if self._error is not None:
                raise self._error
            if self._eof:
                return b""
            self._reader = asyncio.get_running_loop().create_future()
            try:
                await self._reader
            finally:
                self._reader = None
        first = self._chunks.popleft()
        if len(first) > max_bytes:  # more than asked for: the rest waits
            self._chunks.appendleft(first[max_bytes:])
            first = first[:max_bytes]
        taken = [first]
        size = len(first)
        while self._chunks and size + len(self._chunks[0]) <= max_bytes:
            chunk = self._chunks.popleft()
            taken.append(chunk)
            size += len(chunk)
        self._waiting -= size
        if self._reading_paused and self._waiting <= BUFFER_BYTES and self.transport:
            self._reading_paused = False
            self.transport.resume_reading()
        return first if len(taken) == 1 else b"".join(taken)

    async def write(self, buffer: bytes) -> None:
        if self._error is not None:
            raise self._error
        transport = self.transport
        if transport is None or transport.is_closing():
            raise ConnectionResetError("the connection is closed")
        transport.write(buffer)
        if self._writer is not None and not self._writer.done():
            # Shielded: a cancelled write must not mark the room as come for the next one.
            await asyncio.shield(self._writer)
            if self._error is not None:
                raise self._error

    def readable(self) -> bool:
        """Something came on a connection that should be quiet: the server closed it, or
        sent what nobody asked for. Either way it is not to be used again."""
        return self._eof or self._error is not None or bool(self._chunks)


class StreamNetworkStream(httpcore.AsyncNetworkStream):
    """One connection, as httpcore reads and writes it."""

    def __init__(self, connection: _Connection) -> None:
        self._connection = connection

    @property
    def _transport(self) -> asyncio.Transport:
        assert self._connection.transport is not None  # set once connected
        return self._connection.transport

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        with _mapped(httpcore.ReadTimeout, httpcore.ReadError):
            async with asyncio.timeout(timeout):
                return await self._connection.read(max(max_bytes, READ_BYTES))

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        with _mapped(httpcore.WriteTimeout, httpcore.WriteError):
            async with asyncio.timeout(timeout):
                await self._connection.write(buffer)

    async def aclose(self) -> None:
        # Not waiting for the peer, which may never answer a TLS close_notify nor read what
        # is still unsent. One turn of the loop lets a plain close go out; ``abort`` ends
        # whatever is left, at once (anyio closes its sockets the same way).
        transport = self._transport
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
                    secure = await asyncio.get_running_loop().start_tls(
                        self._transport,
                        self._connection,
                        ssl_context,
                        server_hostname=server_hostname,
                    )
        except BaseException:
            await self.aclose()
            raise
        assert isinstance(secure, asyncio.Transport)
        self._connection.transport = secure
        return self

    def get_extra_info(self, info: str) -> Any:
        if info == "ssl_object":
            return self._transport.get_extra_info("ssl_object")
        if info == "client_addr":
            return self._transport.get_extra_info("sockname")
        if info == "server_addr":
            return self._transport.get_extra_info("peername")
        if info == "socket":
            return self._transport.get_extra_info("socket")
        if info == "is_readable":
            # httpcore asks before it sends on an idle connection: readable means the server
            # closed it, so it is not used again. The loop reads every socket as data comes
            # (reading is never paused while idle), so the connection knows: no poll of the
            # socket, whose system call gave the GIL up and waited to take it back.
            return self._connection.readable()
        return None


def _set_options(sock: socket.socket, options: Iterable[httpcore.SOCKET_OPTION] | None) -> None:
    for option in options or ():
        sock.setsockopt(*option)


class StreamNetworkBackend(httpcore.AsyncNetworkBackend):
    """httpcore's connections on asyncio transports (see the module's docstring)."""

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
                transport, connection = await asyncio.get_running_loop().create_connection(
                    _Connection,
                    host,
                    port,
                    local_addr=(local_address, 0) if local_address else None,
                )
            sock = transport.get_extra_info("socket")
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # as anyio does
            _set_options(sock, socket_options)
        return StreamNetworkStream(connection)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        with _mapped(httpcore.ConnectTimeout, httpcore.ConnectError):
            async with asyncio.timeout(timeout):
                transport, connection = await asyncio.get_running_loop().create_unix_connection(
                    _Connection, path
                )
            _set_options(transport.get_extra_info("socket"), socket_options)
        return StreamNetworkStream(connection)

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
