"""Worker processes with a time limit per query, scheduled so that cheap queries are not starved.

pyoxigraph cannot stop a query running in a thread, so queries run in worker *processes* forked from
a zygote (see :mod:`.zygote`); a worker that exceeds the time limit is killed and replaced.

Scheduling (measured in ``benchmarks/serve_abuse.py``):

- ``size`` workers are kept ready; when all are busy, up to ``burst`` more are forked on demand
  (milliseconds: the store is already loaded in the zygote) and retired when they fall idle, so a
  new query normally starts at once, whatever runs already — the kernel shares the cores;
- when even those are busy, a query waits, in one of two lanes: a query whose text ran long before
  (stopped, preempted or slower than ``slow_after``; digests of the last 4,096 are kept) waits in the
  slow lane, served only when the fast lane is empty;
- if a fast-lane query has waited ``fair_wait`` seconds and a query has
  been running for more than ``slow_after`` seconds, the one that has run longest is **preempted**
  (its worker killed, its client told to retry: 503 with Retry-After) so that the waiting one starts:
  no query waits behind slow ones for much longer than ``fair_wait``;
- a query running past ``slow_after`` has its worker's CPU priority lowered (nice 10; the worker is
  replaced afterwards), so the kernel gives new queries the cores first;
- one client (IP address) may have at most ``per_client`` queries waiting or running (429 beyond);
- the time limit counts from the request's arrival: time spent waiting is part of it;
- :meth:`WorkerPool.health` says ``degraded`` while queries wait or were preempted recently.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import os
import pickle
import signal
from dataclasses import dataclass

from mesokg.serve.zygote import _LEN, Zygote

log = logging.getLogger("mesokg.serve")
OOM = "the query needs more memory than a worker may use (--max-memory); make it more selective"


class PoolError(Exception):
    """A request the pool could not answer; ``status`` is the HTTP status to reply with."""

    def __init__(self, status: int, message: str, retry: bool = False):
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry = retry  # worth trying again shortly (the server was busy, not the query too big)


@dataclass(eq=False)
class _Worker:
    pid: int
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    served: int = 0

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(Exception):
            self.writer.close()


@dataclass(eq=False)
class _Job:
    client: str
    arrived: float
    key: bytes = b""
    slow: bool = False  # the same text ran long before: it waits in the slow lane
    started: float = 0.0
    worker: _Worker | None = None
    preempted: bool = False
    niced: bool = False  # ran past slow_after: its worker runs at a lower CPU priority


class WorkerPool:
    """``size`` ready workers and up to ``burst`` more; :meth:`run` answers one request in time."""

    def __init__(
        self,
        zygote: Zygote,
        size: int,
        timeout: float,
        burst: int | None = None,
        fair_wait: float = 0.2,
        slow_after: float = 1.0,
        per_client: int = 16,
    ):
        self.zygote = zygote
        self.size = size
        self.cap = size + (max(2, size) if burst is None else burst)
        self.timeout = timeout
        self.fair_wait = fair_wait
        self.slow_after = slow_after
        self.per_client = per_client
        self._idle: list[_Worker] = []
        self._busy: dict[_Worker, _Job] = {}
        # two lanes: queries not known to be slow are served first; only they preempt
        self._fast: collections.deque[tuple[asyncio.Future, _Job]] = collections.deque()
        self._slow: collections.deque[tuple[asyncio.Future, _Job]] = collections.deque()
        self._slow_texts: collections.OrderedDict[bytes, None] = collections.OrderedDict()  # digests, bounded
        self._starting = 0
        self._clients: collections.Counter[str] = collections.Counter()
        self._pending: set[asyncio.Task] = set()
        self.killed = 0  # queries stopped for exceeding the time limit
        self.crashed = 0  # workers that died by themselves
        self.preempted = 0  # queries stopped to let waiting ones run
        self._last_preempt = float("-inf")
        self._closed = False

    @property
    def _waiters(self) -> list[tuple[asyncio.Future, _Job]]:
        return [*self._fast, *self._slow]

    def _mark_slow(self, job: _Job) -> None:
        if job.key:
            self._slow_texts[job.key] = None
            self._slow_texts.move_to_end(job.key)
            while len(self._slow_texts) > 4096:
                self._slow_texts.popitem(last=False)

    @property
    def alive(self) -> int:
        return len(self._idle) + len(self._busy)

    def _now(self) -> float:
        return asyncio.get_running_loop().time()

    async def start(self) -> None:
        """Start the ready workers (call inside the running event loop)."""
        workers = await asyncio.gather(*(self._spawn() for _ in range(self.size)))
        self._idle.extend(workers)
        task = asyncio.get_running_loop().create_task(self._watch())
        self._pending.add(task)

    async def _watch(self) -> None:
        """Lower the CPU priority of queries running past ``slow_after``: new ones get the cores first."""
        while not self._closed:
            await asyncio.sleep(self.slow_after / 4)
            now = self._now()
            for w, job in list(self._busy.items()):
                if not job.niced and now - job.started > self.slow_after:
                    job.niced = True
                    with contextlib.suppress(OSError):
                        os.setpriority(os.PRIO_PROCESS, w.pid, 10)

    async def _spawn(self) -> _Worker:
        self._starting += 1
        try:
            pid, sock = await asyncio.to_thread(self.zygote.spawn)
        except OSError as e:
            raise PoolError(503, str(e), retry=True) from None
        finally:
            self._starting -= 1
        reader, writer = await asyncio.open_unix_connection(sock=sock)
        w = _Worker(pid, reader, writer)
        if self._closed:
            w.kill()
            raise PoolError(503, "the server is stopping", retry=True)
        return w

    # -- handing workers out and back ---------------------------------------------------------
    def _release(self, w: _Worker) -> None:
        """A worker is free: to the longest-waiting query, else idle (or retired if beyond ``size``)."""
        for lane in (self._fast, self._slow):
            while lane:
                fut, job = lane.popleft()
                if not fut.done():
                    job.worker = w
                    fut.set_result(None)
                    return
        if self.alive + 1 > self.size or self._closed:  # +1: w is counted in neither list now
            w.kill()
        else:
            self._idle.append(w)

    def _replace(self, w: _Worker) -> None:
        """Kill ``w``; fork a replacement if the pool is below ``size`` or queries wait."""
        w.kill()
        if self._closed or self.alive + self._starting >= self.size and not (self._fast or self._slow):
            return
        task = asyncio.get_running_loop().create_task(self._replacement())
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _replacement(self) -> None:
        try:
            self._release(await self._spawn())
        except Exception as e:  # the zygote is gone: the pool shrinks, /healthz says so
            log.error("could not replace a worker: %s", e)

    def _preempt(self) -> bool:
        """Stop the query that has run longest, if it has run more than ``slow_after``."""
        now = self._now()
        running = [(now - j.started, w, j) for w, j in self._busy.items() if not j.preempted]
        if not running:
            return False
        ran, w, job = max(running, key=lambda r: r[0])
        if ran < self.slow_after:
            return False
        job.preempted = True
        self._mark_slow(job)
        self.preempted += 1
        self._last_preempt = now
        log.warning("query preempted after %.1f s to let waiting queries run; worker %d replaced", ran, w.pid)
        with contextlib.suppress(OSError):
            os.kill(w.pid, signal.SIGKILL)  # its run() sees the worker end and replaces it
        return True

    async def _acquire(self, job: _Job, deadline: float) -> _Worker:
        if self._idle:
            return self._idle.pop()
        if self.alive + self._starting < self.cap:
            return await self._spawn()
        fut = asyncio.get_running_loop().create_future()
        entry = (fut, job)
        lane = self._slow if job.slow else self._fast
        lane.append(entry)
        try:
            while job.worker is None:
                left = deadline - self._now()
                if left <= 0:
                    break
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(asyncio.shield(fut), min(left, self.fair_wait))
                if job.worker is None and not job.slow:  # waited fair_wait: make room unless it is coming
                    incoming = self._starting + sum(1 for j in self._busy.values() if j.preempted)
                    if incoming < len(self._fast):
                        self._preempt()
        except BaseException:
            if job.worker is not None:  # handed a worker just as the client went away
                self._release(job.worker)
            raise
        finally:
            with contextlib.suppress(ValueError):
                lane.remove(entry)
        if job.worker is None:
            waited = self._now() - job.arrived
            raise PoolError(
                503, f"the server is busy: no worker became free within {waited:.1f} s; try again shortly", retry=True
            )
        return job.worker

    # -- one request ----------------------------------------------------------------------------
    async def run(self, request: tuple, client: str = "", arrived: float | None = None) -> tuple:
        """Send ``request`` to a worker and return its reply, within the time limit from ``arrived``.

        Raises :class:`PoolError`: 429 (too many queries from this client), 503 (busy, time limit,
        preempted, worker crashed) or 507 (the worker ran out of memory).
        """
        now = self._now()
        arrived = now if arrived is None else min(arrived, now)
        deadline = arrived + self.timeout
        if self._clients[client] >= self.per_client:
            raise PoolError(
                429, f"too many queries from your address at once (at most {self.per_client}); wait for some to finish"
            )
        self._clients[client] += 1
        job = _Job(client, arrived)
        if request and request[0] == "query":
            import hashlib

            job.key = hashlib.blake2b(request[1].encode("utf-8", "surrogatepass"), digest_size=16).digest()
            job.slow = job.key in self._slow_texts
        try:
            w = await self._acquire(job, deadline)
            return await self._exchange(w, job, request, deadline)
        finally:
            self._clients[client] -= 1
            if self._clients[client] <= 0:
                del self._clients[client]

    async def _exchange(self, w: _Worker, job: _Job, request: tuple, deadline: float) -> tuple:
        job.started = self._now()
        self._busy[w] = job
        data = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        done = False
        try:
            left = deadline - job.started
            if left <= 0:
                raise asyncio.TimeoutError
            w.writer.write(_LEN.pack(len(data)) + data)
            reply = await asyncio.wait_for(self._read_reply(w), left)
            done = True
            return reply
        except asyncio.TimeoutError:
            self.killed += 1
            self._mark_slow(job)
            waited = job.started - job.arrived
            log.warning("query stopped at the %g s time limit; worker %d replaced", self.timeout, w.pid)
            raise PoolError(
                503,
                f"query stopped: it ran longer than the time limit of {self.timeout:g} s "
                f"(counted from its arrival; {waited:.1f} s of it waiting); make it more selective or add a LIMIT",
            ) from None
        except (asyncio.IncompleteReadError, ConnectionError, OSError):
            if job.preempted:
                raise PoolError(
                    503,
                    f"query stopped after {self._now() - job.started:.1f} s to let waiting queries run: "
                    "the server is saturated; try again shortly or make it more selective",
                    retry=True,
                ) from None
            self.crashed += 1
            w.kill()  # in case it still lives: the zygote's wait below must not block
            status = await asyncio.to_thread(self.zygote.ended, w.pid)
            if os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGABRT, signal.SIGKILL, signal.SIGSEGV):
                log.warning("worker %d ran out of memory (signal %d); replaced", w.pid, os.WTERMSIG(status))
                raise PoolError(507, OOM) from None
            log.warning("worker %d died while answering a query (status %d); replaced", w.pid, status)
            raise PoolError(503, "query stopped: the worker answering it crashed; make it more selective") from None
        finally:
            self._busy.pop(w, None)
            if self._now() - job.started > self.slow_after:
                self._mark_slow(job)
            if done and not job.niced:
                w.served += 1
                self._release(w)
            else:  # timed out, crashed, preempted, cancelled or demoted: it goes
                self._replace(w)

    async def _read_reply(self, w: _Worker) -> tuple:
        head = await w.reader.readexactly(_LEN.size)
        return pickle.loads(await w.reader.readexactly(_LEN.unpack(head)[0]))

    # -- health -----------------------------------------------------------------------------------
    def health(self) -> dict:
        """Counts for /healthz and whether the pool is ``ok``, ``degraded`` or ``unavailable``."""
        now = self._now()
        waiting = len(self._fast) + len(self._slow)
        oldest = max((now - j.arrived for _, j in self._waiters), default=0.0)
        reasons = []
        if waiting:
            reasons.append(f"{waiting} queries waiting for a worker (longest {oldest:.2f} s)")
        if now - self._last_preempt < 10:
            reasons.append("queries were preempted in the last 10 s")
        if self.alive == 0 and self._starting == 0:
            status = "unavailable"
        else:
            status = "degraded" if reasons else "ok"
        return {
            "status": status,
            "reasons": reasons,
            "workers": self.alive,
            "busy": len(self._busy),
            "waiting": waiting,
            "waiting_known_slow": len(self._slow),
            "capacity": self.cap,
            "stopped_for_time": self.killed,
            "preempted": self.preempted,
            "crashed": self.crashed,
        }

    async def close(self) -> None:
        """Stop every worker and the zygote."""
        self._closed = True
        for t in list(self._pending):
            t.cancel()
        for w in [*self._idle, *self._busy]:
            w.kill()
        self._idle.clear()
        self._busy.clear()
        for fut, _ in self._waiters:
            if not fut.done():
                fut.cancel()
        self.zygote.close()
