"""Worker processes with a time limit per query.

pyoxigraph cannot stop a query running in a thread, so queries run in worker *processes*, and a
worker that exceeds the time limit is killed and replaced. No process is started per request:

- right after the store is loaded, and before the server starts any thread, the server forks a
  **zygote**: a single-threaded process that holds the loaded store and does nothing but fork
  workers when asked (so a replacement starts in milliseconds, with the store already loaded and
  its memory shared copy-on-write);
- each **worker** answers requests one at a time over its own socket: the query text and the
  parameter terms in N-Triples go in, serialized result bytes come back (see :mod:`.worker`);
- the server keeps a queue of idle workers; a request takes one, and gives it back when the
  answer came in time. When the time limit passes, the worker is killed (``SIGKILL``) and the
  zygote forks a fresh one; the other workers go on answering meanwhile.

Workers and the zygote die with the server (``PR_SET_PDEATHSIG`` on Linux, and end-of-file on
their sockets everywhere) and ignore ``Ctrl-C``, which the server handles. The zygote cuts itself off
the network (:func:`mesokg.sandbox.no_network`) before it forks the first worker, so no worker can
open a network connection, whatever a query asks; if that is impossible the server does not start.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import os
import pickle
import resource
import signal
import socket
import struct
import threading
from dataclasses import dataclass

import pyoxigraph as ox

from mesokg.sandbox import SandboxError, no_network
from mesokg.serve.worker import handle

log = logging.getLogger("mesokg.serve")
_LEN = struct.Struct("!I")
_PR_SET_PDEATHSIG = 1


class PoolError(Exception):
    """A request the pool could not answer; ``status`` is the HTTP status to reply with."""

    def __init__(self, status: int, message: str, retry: bool = False):
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry = retry  # worth trying again shortly (the server was busy, not the query too big)


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this process when its parent ends (best effort elsewhere)."""
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent ended before prctl took effect
        os._exit(0)


def _recv_exact(sock: socket.socket, n: int) -> bytes | None:
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return bytes(buf)


def worker_main(sock: socket.socket, store: ox.Store, max_memory_mib: int = 0) -> None:
    """A worker's loop: read a request, answer it, until the server closes the socket."""
    if max_memory_mib:
        limit = max_memory_mib * 1024 * 1024
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    while True:
        head = _recv_exact(sock, _LEN.size)
        if head is None:
            return
        payload = _recv_exact(sock, _LEN.unpack(head)[0])
        if payload is None:
            return
        try:
            reply = handle(store, pickle.loads(payload))
        except MemoryError:
            reply = ("error", 507, "the query needs more memory than a worker may use; make it more selective")
        data = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
        sock.sendall(_LEN.pack(len(data)) + data)


def _zygote_main(ctl: socket.socket, store: ox.Store, parent: int, max_memory_mib: int) -> None:
    _die_with_parent(parent)
    try:  # before any worker exists: every worker inherits the sandbox and cannot shed it
        how = no_network()
    except SandboxError as e:
        ctl.send(b"E" + str(e).encode("utf-8", "replace")[:4000])
        return
    ctl.send(b"K" + how.encode())
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped by the kernel
    me = os.getpid()
    while True:
        try:
            cmd = ctl.recv(16)
        except OSError:
            return
        if not cmd:
            return
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:  # the new worker
            try:
                ctl.close()
                ours.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                _die_with_parent(me)
                worker_main(theirs, store, max_memory_mib)
            finally:
                os._exit(0)
        theirs.close()
        try:
            socket.send_fds(ctl, [_LEN.pack(pid)], [ours.fileno()])
        except OSError:
            return
        finally:
            ours.close()


class Zygote:
    """The process that forks workers. Create it before the server starts any thread.

    ``close_fds`` are file descriptors of the server the zygote (and so every worker) must not keep.
    """

    def __init__(self, store: ox.Store, max_memory_mib: int = 0, close_fds: tuple[int, ...] = ()):
        ctl, child_ctl = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:
            try:
                ctl.close()
                for fd in close_fds:  # e.g. the server's listening socket: workers never accept
                    with contextlib.suppress(OSError):
                        os.close(fd)
                _zygote_main(child_ctl, store, parent, max_memory_mib)
            finally:
                os._exit(0)
        child_ctl.close()
        self.pid = pid
        self._ctl = ctl
        self._lock = threading.Lock()
        status = b""
        with contextlib.suppress(OSError):
            status = ctl.recv(4096)
        if not status.startswith(b"K"):
            self.close()
            reason = status[1:].decode("utf-8", "replace") or "the worker factory did not start"
            raise SandboxError(reason)
        self.sandbox = status[1:].decode()  # how workers are kept off the network (seccomp, netns)

    def spawn(self) -> tuple[int, socket.socket]:
        """Fork a worker; its pid and the server's end of its socket. Blocking (run it in a thread)."""
        with self._lock:
            try:
                self._ctl.sendall(b"S")
                msg, fds, _, _ = socket.recv_fds(self._ctl, 64, 1)
            except OSError as e:
                raise PoolError(503, f"cannot start a worker: {e}") from None
        if not msg or not fds:
            raise PoolError(503, "cannot start a worker: the worker factory has stopped")
        return _LEN.unpack(msg[: _LEN.size])[0], socket.socket(fileno=fds[0])

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._ctl.close()
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.waitpid(self.pid, 0)


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


class WorkerPool:
    """A fixed number of workers; :meth:`run` sends one request with a time limit."""

    def __init__(self, zygote: Zygote, size: int, timeout: float):
        self.zygote = zygote
        self.size = size
        self.timeout = timeout
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._all: set[_Worker] = set()
        self._pending: set[asyncio.Task] = set()
        self.killed = 0  # workers stopped for exceeding the time limit
        self.crashed = 0  # workers that died by themselves
        self._closed = False

    @property
    def alive(self) -> int:
        return len(self._all)

    async def start(self) -> None:
        """Start all workers (call inside the running event loop)."""
        await asyncio.gather(*(self._add() for _ in range(self.size)))

    async def _add(self) -> None:
        pid, sock = await asyncio.to_thread(self.zygote.spawn)
        reader, writer = await asyncio.open_unix_connection(sock=sock)
        w = _Worker(pid, reader, writer)
        if self._closed:
            w.kill()
            return
        self._all.add(w)
        self._idle.put_nowait(w)

    def _replace(self, w: _Worker) -> None:
        w.kill()
        self._all.discard(w)
        if self._closed:
            return
        task = asyncio.get_running_loop().create_task(self._add_logged())
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _add_logged(self) -> None:
        try:
            await self._add()
        except Exception as e:  # the zygote is gone: the pool shrinks, /healthz says so
            log.error("could not replace a worker: %s", e)

    async def _exchange(self, w: _Worker, data: bytes) -> tuple:
        w.writer.write(_LEN.pack(len(data)) + data)
        head = await w.reader.readexactly(_LEN.size)
        return pickle.loads(await w.reader.readexactly(_LEN.unpack(head)[0]))

    async def run(self, request: tuple, timeout: float | None = None) -> tuple:
        """Send ``request`` to an idle worker and return its reply.

        Raises :class:`PoolError` (503) when no worker frees up within the time limit, or when the
        query runs past it (its worker is then killed and replaced), or when a worker crashes.
        """
        limit = self.timeout if timeout is None else timeout
        try:
            w = await asyncio.wait_for(self._idle.get(), limit)
        except asyncio.TimeoutError:
            raise PoolError(
                503, f"the server is busy: no worker became free within {limit:g} s; try again shortly", retry=True
            ) from None
        data = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        done = False
        try:
            reply = await asyncio.wait_for(self._exchange(w, data), limit)
            done = True
        except asyncio.TimeoutError:
            self.killed += 1
            log.warning("query stopped after %g s (time limit); worker %d replaced", limit, w.pid)
            raise PoolError(
                503,
                f"query stopped: it ran longer than the time limit of {limit:g} s; "
                "make it more selective or add a LIMIT",
            ) from None
        except (asyncio.IncompleteReadError, ConnectionError, OSError):
            self.crashed += 1
            log.warning("worker %d died while answering a query; replaced", w.pid)
            raise PoolError(
                503, "query stopped: the worker answering it ran out of memory or crashed; make it more selective"
            ) from None
        finally:
            if done:
                w.served += 1
                self._idle.put_nowait(w)
            else:  # timed out, crashed or cancelled: its state is unknown, so it goes
                self._replace(w)
        return reply

    async def close(self) -> None:
        """Stop every worker and the zygote."""
        self._closed = True
        for t in list(self._pending):
            t.cancel()
        for w in list(self._all):
            w.kill()
        self._all.clear()
        self.zygote.close()
