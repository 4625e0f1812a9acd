"""No network for processes that evaluate user queries, enforced by the kernel.

The query guard (:mod:`mesokg.query.guard`) refuses ``SERVICE``, ``LOAD`` and foreign ``FROM`` with
a clear message, but a parser can be fooled by a spelling it did not foresee. So the processes
that run user queries (the endpoint's workers, and ``mesokg query`` on a local store) first call
:func:`no_network`, after which the kernel refuses them any new network connection, whatever the
query engine tries:

1. **seccomp** (Linux): a small BPF filter, installed with ``no_new_privs`` on every thread of the
   process and inherited by every child, makes ``socket()``, ``connect()`` and ``io_uring_setup()``
   fail with ``EACCES``. Already-connected socket pairs (a worker's line to the server) keep working;
   ``socketpair()`` stays allowed (it makes only local pairs). Syscalls of another ABI (32-bit, x32)
   are refused too, so they cannot reach ``socketcall``.
2. If seccomp is unavailable, a fresh **network namespace** (``unshare(CLONE_NEWNET)``, root only):
   only a loopback interface that is down, so no address is reachable.

If neither works, :func:`no_network` raises :class:`SandboxError` and the caller refuses to run
queries (one clear message), rather than running them without the sandbox. The environment
variable ``MESOKG_UNSANDBOXED=1`` runs without it, saying so on stderr each time.

Network sockets the process already holds are closed first (a worker must not inherit one).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import sys

from mesokg.errors import MesokgError

ENV_OPT_OUT = "MESOKG_UNSANDBOXED"

# <linux/audit.h>, <linux/seccomp.h>, <linux/filter.h>, <linux/prctl.h>
_ARCHES = {
    # machine: (AUDIT_ARCH, nr of seccomp, socket, connect, io_uring_setup, x32 syscall bit)
    "x86_64": (0xC000003E, 317, 41, 42, 425, 0x40000000),
    "aarch64": (0xC00000B7, 277, 198, 203, 425, 0),
}
_PR_SET_NO_NEW_PRIVS = 38
_SECCOMP_SET_MODE_FILTER = 1
_SECCOMP_FILTER_FLAG_TSYNC = 1
_SECCOMP_RET_ALLOW = 0x7FFF0000
_SECCOMP_RET_ERRNO = 0x00050000
_CLONE_NEWNET = 0x40000000
# BPF opcodes
_LD_W_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS
_JEQ_K = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
_JGE_K = 0x35  # BPF_JMP | BPF_JGE | BPF_K
_RET_K = 0x06  # BPF_RET | BPF_K

#: set by the ``mesokg`` program (not when mesokg is used as a library or by a test runner): then
#: :func:`run_sandboxed` sandboxes this process itself instead of forking a child (cheaper)
WHOLE_PROCESS = False
_applied: dict[int, str] = {}  # pid -> how; the filter cannot be removed, so once per process is enough


class SandboxError(MesokgError):
    """The kernel offers no way to cut this process off the network."""


class _Filter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint32)]


class _Prog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_Filter))]


def _program(arch: int, denied: tuple[int, ...], x32_bit: int) -> list[tuple[int, int, int, int]]:
    """The BPF program: wrong ABI -> EACCES; a denied syscall -> EACCES; anything else allowed."""
    deny = _SECCOMP_RET_ERRNO | errno.EACCES
    prog: list[tuple[int, int, int, int]] = [(_LD_W_ABS, 0, 0, 4)]  # seccomp_data.arch
    prog.append((_JEQ_K, 1, 0, arch))
    prog.append((_RET_K, 0, 0, deny))
    prog.append((_LD_W_ABS, 0, 0, 0))  # seccomp_data.nr
    if x32_bit:
        prog.append((_JGE_K, len(denied) + 1, 0, x32_bit))  # to the final deny
    for i, nr in enumerate(denied):
        prog.append((_JEQ_K, len(denied) - i, 0, nr))  # to the final deny
    prog.append((_RET_K, 0, 0, _SECCOMP_RET_ALLOW))
    prog.append((_RET_K, 0, 0, deny))
    return prog


def _seccomp() -> None:
    machine = os.uname().machine
    if sys.platform != "linux" or machine not in _ARCHES:
        raise OSError(f"seccomp filter not written for {sys.platform}/{machine}")
    arch, nr_seccomp, nr_socket, nr_connect, nr_uring, x32 = _ARCHES[machine]
    code = _program(arch, (nr_socket, nr_connect, nr_uring), x32)
    filters = (_Filter * len(code))(*[_Filter(*ins) for ins in code])
    prog = _Prog(len(code), filters)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    libc.syscall.restype = ctypes.c_long
    rc = libc.syscall(
        ctypes.c_long(nr_seccomp),
        ctypes.c_long(_SECCOMP_SET_MODE_FILTER),
        ctypes.c_long(_SECCOMP_FILTER_FLAG_TSYNC),
        ctypes.byref(prog),
    )
    if rc != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"seccomp() failed: {os.strerror(err) if err else f'thread {rc} could not sync'}")


def _new_netns() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(_CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"unshare(CLONE_NEWNET) failed: {os.strerror(err)}")


_AF_UNIX, _AF_INET, _SOCK_STREAM, _SOL_SOCKET, _SO_DOMAIN = 1, 2, 1, 1, 39


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def close_network_sockets() -> int:
    """Close every socket this process holds that is not a local (AF_UNIX) one; how many were closed."""
    libc = _libc()
    closed = 0
    with contextlib.suppress(OSError):
        for name in os.listdir("/proc/self/fd"):
            try:
                if not os.readlink(f"/proc/self/fd/{name}").startswith("socket:"):
                    continue
            except OSError:
                continue
            domain, size = ctypes.c_int(0), ctypes.c_uint(ctypes.sizeof(ctypes.c_int))
            if libc.getsockopt(int(name), _SOL_SOCKET, _SO_DOMAIN, ctypes.byref(domain), ctypes.byref(size)) != 0:
                continue
            if domain.value != _AF_UNIX:
                with contextlib.suppress(OSError):
                    os.close(int(name))
                    closed += 1
    return closed


def _works() -> bool:
    """True when a new network socket is refused (the sandbox holds)."""
    libc = _libc()
    fd = libc.socket(_AF_INET, _SOCK_STREAM, 0)
    if fd < 0:
        return True
    try:
        addr = (ctypes.c_ubyte * 16)(_AF_INET, 0, 0, 9, 127, 0, 0, 1)  # sockaddr_in 127.0.0.1:9
        if libc.connect(fd, addr, 16) == 0:
            return False
        return ctypes.get_errno() in (errno.EACCES, errno.EPERM, errno.ENETUNREACH, errno.EADDRNOTAVAIL)
    finally:
        os.close(fd)


def no_network() -> str:
    """Cut this process (and its future children) off the network; which mechanism did it.

    Raises :class:`SandboxError` when no mechanism works (unless ``MESOKG_UNSANDBOXED=1``).
    """
    pid = os.getpid()
    if pid in _applied:
        return _applied[pid]
    close_network_sockets()
    reasons = []
    for how, apply in (("seccomp", _seccomp), ("netns", _new_netns)):
        try:
            apply()
        except OSError as e:
            reasons.append(f"{how}: {e.strerror or e}")
            continue
        if _works():
            _applied[pid] = how
            return how
        reasons.append(f"{how}: applied but a socket could still connect")
    if os.environ.get(ENV_OPT_OUT) == "1":
        print(f"mesokg: warning: queries run WITHOUT a network sandbox ({ENV_OPT_OUT}=1)", file=sys.stderr)
        _applied[pid] = "none"
        return "none"
    raise SandboxError(
        "cannot run queries: this system lets mesokg neither filter system calls nor enter a network "
        f"namespace ({'; '.join(reasons)}); set {ENV_OPT_OUT}=1 to run without the sandbox"
    )


def _call_sandboxed(fn, args):
    no_network()
    return fn(*args)


def run_sandboxed(fn, *args, fresh: bool = False):
    """``fn(*args)`` in a forked child cut off the network; its result (pickled back) or its error.

    In the ``mesokg`` program itself (:data:`WHOLE_PROCESS`), the process is sandboxed and runs ``fn``.
    ``fresh``: a new interpreter rather than a fork (slower, but inherits no library state).

    A :class:`~mesokg.errors.MesokgError` in the child is raised again here with the same class and
    message; any other failure becomes a one-line :class:`~mesokg.errors.MesokgError`. This process
    keeps its network (it may be a test runner or a program using mesokg as a library).
    """
    if WHOLE_PROCESS:
        no_network()
        return fn(*args)
    if fresh:  # a new interpreter: nothing inherited (an on-disk store's engine does not survive fork)
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        try:
            with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
                return pool.submit(_call_sandboxed, fn, args).result()
        except BrokenProcessPool as e:
            raise MesokgError(f"the query process ended without an answer ({e})") from None
    import pickle

    sys.stdout.flush()
    sys.stderr.flush()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 0
        try:
            os.close(r)
            try:
                no_network()
                result = ("ok", fn(*args))
            except MesokgError as e:
                result = ("error", type(e), str(e))
            except BaseException as e:  # noqa: BLE001 - reported in one line by the parent
                result = ("crash", f"{type(e).__name__}: {e}".splitlines()[0])
            try:
                data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception as e:  # noqa: BLE001
                data = pickle.dumps(("crash", f"cannot send the result back: {e}"))
            with os.fdopen(w, "wb") as f:
                f.write(data)
        except BaseException:  # noqa: BLE001
            code = 1
        finally:
            os._exit(code)
    os.close(w)
    try:
        with os.fdopen(r, "rb") as f:
            data = f.read()
    finally:
        _, status = os.waitpid(pid, 0)
    if not data:
        raise MesokgError(
            f"the query process ended without an answer (exit status {status >> 8}, signal {status & 0x7F})"
        )
    result = pickle.loads(data)
    if result[0] == "ok":
        return result[1]
    if result[0] == "error":
        raise result[1](result[2])
    raise MesokgError(f"the query failed: {result[1]}")


def sandboxed() -> str | None:
    """How this process was sandboxed, or None."""
    return _applied.get(os.getpid())
