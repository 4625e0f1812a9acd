"""The worker processes' side: a zygote that forks workers from the loaded store, and the worker loop.

Right after the store is loaded, and before the server starts any thread, the server forks a
**zygote**: a single-threaded process that holds the loaded store and does nothing but fork workers
when asked (a replacement starts in milliseconds, with the store already loaded and its memory shared
copy-on-write). The zygote cuts itself off the network (:func:`mesokg.sandbox.no_network`) before it
forks the first worker, so no worker can open a network connection, whatever a query asks; if that
is impossible the server does not start.

Each **worker** answers requests one at a time over its own socket (see :mod:`.worker`). The zygote
reaps its workers and tells the server how one ended (``W`` command), so a worker that the kernel
stopped for memory is reported as such (HTTP 507). Workers and the zygote die with the server
(``PR_SET_PDEATHSIG`` on Linux, and end-of-file on their sockets everywhere) and ignore ``Ctrl-C``.
"""

from __future__ import annotations

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

import pyoxigraph as ox

from mesokg.sandbox import SandboxError, no_network
from mesokg.serve.worker import handle

log = logging.getLogger("mesokg.serve")
_LEN = struct.Struct("!I")
_PR_SET_PDEATHSIG = 1


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


def _reap(ended: dict[int, int]) -> None:
    """Collect every worker that has ended, keeping the status of the last 256."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        ended[pid] = status
        while len(ended) > 256:
            del ended[next(iter(ended))]


def _zygote_main(ctl: socket.socket, store: ox.Store, parent: int, max_memory_mib: int) -> None:
    _die_with_parent(parent)
    try:  # before any worker exists: every worker inherits the sandbox and cannot shed it
        how = no_network()
    except SandboxError as e:
        ctl.send(b"E" + str(e).encode("utf-8", "replace")[:4000])
        return
    ctl.send(b"K" + how.encode())
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    me = os.getpid()
    ended: dict[int, int] = {}  # pid -> wait status of workers that ended (the last few)
    while True:
        try:
            cmd = ctl.recv(16)
        except OSError:
            return
        if not cmd:
            return
        _reap(ended)
        if cmd[:1] == b"W":  # how did worker PID end?
            pid = _LEN.unpack(cmd[1 : 1 + _LEN.size])[0]
            if pid not in ended:
                with contextlib.suppress(ChildProcessError, OSError):
                    ended[pid] = os.waitpid(pid, 0)[1]  # it was killed or is dying: short
            ctl.send(_LEN.pack(ended.pop(pid, 0)))
            continue
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
                raise OSError(f"cannot start a worker: {e}") from None
        if not msg or not fds:
            raise OSError("cannot start a worker: the worker factory has stopped")
        return _LEN.unpack(msg[: _LEN.size])[0], socket.socket(fileno=fds[0])

    def ended(self, pid: int) -> int:
        """The wait status of worker ``pid``, which has ended or is ending (0 if unknown). Blocking."""
        with self._lock:
            try:
                self._ctl.sendall(b"W" + _LEN.pack(pid))
                return _LEN.unpack(self._ctl.recv(16)[: _LEN.size])[0]
            except (OSError, struct.error):
                return 0

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._ctl.close()
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.waitpid(self.pid, 0)
