"""An async client for the Kolada v3 API (https://api.kolada.se/v3), built on httpx.

Polite by default (bounded concurrency, a request rate), patient with a flaky network
(exponential back-off with jitter on 429, 5xx, timeouts, dropped connections and broken JSON,
honouring Retry-After) and clear when retrying cannot help (a 4xx names the URL).

    async with KoladaClient("https://api.kolada.se/v3") as kolada:
        kpis = await kolada.kpis(["N00401", "N00945"])
"""

from __future__ import annotations

import asyncio
import email.utils
import functools
import gc
import os
import random
import ssl
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from types import TracebackType
from typing import Any, TypeVar

import httpx

from glokal.errors import KoladaResponseError, KoladaUnavailable
from glokal.i18n import N_
from glokal.kolada.plan import chunked
from glokal.kolada.transport import KoladaTransport
from glokal.kolada.wire import (
    DataItem,
    FastPage,
    Malformed,
    Page,
    read_data,
    read_envelope,
    read_fast,
)

DEFAULT_BASE_URL = "https://api.kolada.se/v3"
MAX_IDS_PER_SEGMENT = 25
PER_PAGE = 5000
DEFAULT_CONCURRENCY = 4
DEFAULT_RATE = 5.0  # requests per second; Kolada documents no limit, clients keep to about 5
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry: full-jitter exponential back-off.

    Attempt n (0-based) waits a random time up to ``min(backoff_max, backoff_base * 2**n)``,
    or what Retry-After asks (capped at ``retry_after_max``).
    """

    attempts: int = 6
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    retry_after_max: float = 120.0
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        if retry_after is not None:
            return min(retry_after, self.retry_after_max)
        return self.rng.uniform(0, min(self.backoff_max, self.backoff_base * 2**attempt))


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After as seconds: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class _RateLimiter:
    """Spaces request starts at least 1/rate seconds apart (rate <= 0: no limit)."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        if not self.interval:
            return
        async with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self.interval
        if start > now:
            await asyncio.sleep(start - now)


class KoladaClient:
    """The Kolada v3 API. Use as an async context manager; ``requests`` counts HTTP requests.

    ``tls``: the certificates to trust (default: the system's, made once a process), for a
    Kolada mirror behind a private CA. ``transport``: httpx's, instead of ``KoladaTransport``.
    """

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        rate: float = DEFAULT_RATE,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.concurrency = max(1, concurrency)
        # Pages read into frames (``in_thread``): a core for the event loop's HTTP, the rest
        # for reading. More readers than that at once measured more CPU, not less time: Polars
        # already spreads one page's work over its own threads (bench/README.md).
        self._readers = ThreadPoolExecutor(
            max_workers=max(1, (os.cpu_count() or 2) - 1), thread_name_prefix="kolada-read"
        )
        self.retry = retry or RetryPolicy()
        self.requests = 0
        self._limiter = _RateLimiter(rate)
        self._slots = asyncio.Semaphore(self.concurrency)
        limits = httpx.Limits(max_connections=self.concurrency * 2)
        verify = tls or _tls_context()
        self._http = httpx.AsyncClient(
            timeout=timeout,
            transport=transport or KoladaTransport(verify=verify, limits=limits),
            verify=verify,  # and limits: for the proxies httpx takes from the environment
            limits=limits,
            headers={"Accept": "application/json", "User-Agent": "glokal (Agenda 2030 follow-up)"},
        )

    async def __aenter__(self) -> KoladaClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()
        self._readers.shutdown(wait=False, cancel_futures=True)

    # -- the one place that does HTTP -----------------------------------------------------

    async def get_json(self, url: str) -> dict[str, Any]:
        """GET ``url`` (absolute) and return its JSON envelope, retrying what can be retried."""
        page = await self.get(url, read_envelope)
        return {"values": page.values, "next_url": page.next_url}

    async def get(
        self, url: str | httpx.URL, read: Callable[[bytes], Page[T]], *, in_thread: bool = False
    ) -> Page[T]:
        """GET ``url`` (absolute) and ``read`` its body, retrying what can be retried.

        ``read`` (see glokal.kolada.wire) raises ``Malformed`` for a body that is not a whole
        envelope (truncated, broken JSON): that is retried like a 5xx. It runs with the cyclic
        garbage collector paused, or ``in_thread`` in a worker thread (for a reader that
        releases the GIL, while the event loop goes on).
        """
        last_problem = ""
        for attempt in range(self.retry.attempts):
            retry_after: float | None = None
            async with self._slots:
                await self._limiter.wait()
                self.requests += 1
                try:
                    response = await self._http.get(url)
                    body = await response.aread()
                except (httpx.TimeoutException, httpx.TransportError) as exc:
                    last_problem = (
                        f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                    )
                    response = None
            if response is not None:
                status = response.status_code
                if status == 200:
                    try:
                        if in_thread:
                            return await asyncio.get_running_loop().run_in_executor(
                                self._readers, read, body
                            )
                        with _collector_paused():
                            return read(body)
                    except Malformed as exc:
                        last_problem = str(exc)
                elif status in RETRY_STATUSES:
                    last_problem = f"HTTP {status}"
                    if status == 429:
                        retry_after = parse_retry_after(response.headers.get("Retry-After"))
                else:
                    raise KoladaResponseError(
                        N_("Kolada answered HTTP {status} for {url}: {excerpt}"),
                        url=str(url),
                        status=status,
                        excerpt=_excerpt(body),
                    )
            if attempt + 1 < self.retry.attempts:
                await asyncio.sleep(self.retry.delay(attempt, retry_after))
        raise KoladaUnavailable(
            N_("Kolada did not answer {url} after {attempts} attempt (last: {problem})")
            if self.retry.attempts == 1
            else N_("Kolada did not answer {url} after {attempts} attempts (last: {problem})"),
            url=str(url),
            attempts=self.retry.attempts,
            problem=last_problem,
        )

    # -- paging ---------------------------------------------------------------------------

    def url(self, path: str, params: dict[str, Any] | None = None) -> str:
        query = {"per_page": PER_PAGE, **(params or {})}
        return str(httpx.URL(f"{self.base_url}/{path.lstrip('/')}", params=query))

    def pages(
        self, path: str, params: dict[str, Any] | None = None
    ) -> AsyncIterator[list[dict[str, Any]]]:
        """Each page's ``values``, following ``next_url`` (absolute or relative) to the end."""
        return self._pages(path, params, read_envelope)

    async def _pages(
        self,
        path: str,
        params: dict[str, Any] | None,
        read: Callable[[bytes], Page[T]],
        *,
        in_thread: bool = False,
    ) -> AsyncIterator[T]:
        # Each page's URL is parsed once: handed over as text, httpx parses it again for the
        # request and again for the join, checking every character (some 60 µs a page).
        url: httpx.URL | None = httpx.URL(self.url(path, params))
        seen: set[httpx.URL] = set()
        while url is not None:
            if url in seen:  # a server that points back at a page would loop forever
                raise KoladaUnavailable(N_("Kolada's paging loops at {url}"), url=str(url))
            seen.add(url)
            page = await self.get(url, read, in_thread=in_thread)
            yield page.values
            url = url.join(page.next_url) if page.next_url else None

    async def collect(
        self, path: str, params: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        values: list[dict[str, Any]] = []
        async for page in self.pages(path, params):
            values.extend(page)
        return values

    async def _by_ids(self, endpoint: str, ids: Sequence[str] | None) -> list[dict[str, Any]]:
        if ids is None:
            return await self.collect(endpoint)
        batches = await asyncio.gather(
            *(self.collect(f"{endpoint}/{','.join(c)}") for c in chunked(ids, MAX_IDS_PER_SEGMENT))
        )
        return [item for batch in batches for item in batch]

    # -- metadata -------------------------------------------------------------------------

    async def kpis(self, ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
        return await self._by_ids("kpi", ids)

    async def kpi_groups(
        self, ids: Sequence[str] | None = None, *, title: str | None = None
    ) -> list[dict[str, Any]]:
        if title is not None:
            return await self.collect("kpi_groups", {"title": title})
        return await self._by_ids("kpi_groups", ids)

    async def municipalities(self) -> list[dict[str, Any]]:
        return await self.collect("municipality")

    async def municipality_groups(self, ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
        return await self._by_ids("municipality_groups", ids)

    # -- data -----------------------------------------------------------------------------

    async def data(
        self, kpis: Sequence[str], years: Sequence[int], *, from_date: date | None = None
    ) -> list[DataItem]:
        """Data items for the KPIs and years, every unit; split into ≤ 25 ids per segment."""
        pages = await self.data_pages(kpis, years, _same, from_date=from_date)
        return [item for page in pages for item in page]

    async def data_pages(
        self,
        kpis: Sequence[str],
        years: Sequence[int],
        each: Callable[[list[DataItem]], T],
        *,
        from_date: date | None = None,
    ) -> list[T]:
        """Like ``data``, but hands each page's items to ``each`` as the page arrives and
        returns what it made of them, in request order.

        A caller that turns items into something smaller at once (the sync: rows) never holds
        a whole KPI's decoded JSON: fewer live objects for the cyclic garbage collector to
        traverse, which was a quarter of a full sync's CPU.
        """
        return await self._data(kpis, years, lambda body: read_data(body).map(each), from_date)

    async def data_fast(
        self, kpis: Sequence[str], years: Sequence[int], *, from_date: date | None = None
    ) -> list[FastPage]:
        """Like ``data``, but each page as ``wire.read_fast`` reads it (scanned by the C reader
        where it can, else a frame of its items), in request order, for
        ``plan.series_of_pages``. Pages are read in worker threads, without the GIL, while the
        event loop fetches the next."""
        return await self._data(kpis, years, read_fast, from_date, in_thread=True)

    async def _data(
        self,
        kpis: Sequence[str],
        years: Sequence[int],
        read: Callable[[bytes], Page[T]],
        from_date: date | None,
        *,
        in_thread: bool = False,
    ) -> list[T]:
        params = {"from_date": from_date.isoformat()} if from_date else None

        async def segment(path: str) -> list[T]:
            return [page async for page in self._pages(path, params, read, in_thread=in_thread)]

        segments = await asyncio.gather(
            *(
                segment(f"data/kpi/{','.join(kpi_chunk)}/year/{','.join(map(str, year_chunk))}")
                for kpi_chunk in chunked(kpis, MAX_IDS_PER_SEGMENT)
                for year_chunk in chunked(years, MAX_IDS_PER_SEGMENT)
            )
        )
        return [result for segment_results in segments for result in segment_results]


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """The default verifying TLS context (certifi's CAs, SSL_CERT_FILE and SSL_CERT_DIR
    honoured), made once per process: loading the CA bundle costs some 50 ms, half of a
    no-change incremental sync, for every client that made its own."""
    return httpx.create_ssl_context()


def _same(items: list[DataItem]) -> list[DataItem]:
    return items


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while one page is decoded (and transformed).

    A page of 5,000 items decodes to some 10,000 dicts and lists that live only until the
    page is turned into rows. With the collector running they survive two young collections,
    are promoted, and set off a full collection every few pages: about a quarter of a full
    sync's CPU (bench/README.md). They hold no reference cycles, so reference counting frees
    them all the same. Left alone if something else has paused the collector.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _excerpt(body: bytes, limit: int = 200) -> str:
    text = body.decode("utf-8", "replace").strip().replace("\n", " ")
    return text[:limit] + ("…" if len(text) > limit else "") if text else "(empty body)"
