"""Connection hygiene for uvicorn's HTTP/1.1 protocol: timeouts, connection caps, 414/431.

:func:`protocol_class` returns a subclass of uvicorn's h11 protocol that

- gives a client ``header_timeout`` seconds to send a request's headers, counted from the moment the
  connection opened or the previous response ended (trickling bytes does not extend it): then 408
  and the connection closes; idle keep-alive connections close after uvicorn's ``timeout_keep_alive``;
- caps open connections per client address (``per_client``) and in total (``total``): a new
  connection over a cap first evicts, oldest first, a connection that sent part of a request and
  stalled, then a silent new one, then an idle keep-alive one -- never one whose complete request
  headers are already waiting to be read (under a burst the loop accepts before it reads, so those
  look idle); if no connection can go, the new one gets 503 and is closed;
- answers 414 for a request line (URL) beyond the limit and 431 for headers beyond it, and a
  one-line 400 for any other malformed request, instead of resetting the connection.

Body read timeouts are applied where the body is read (:func:`mesokg.serve.protocol.read_body`).
"""

from __future__ import annotations

import collections
import json
import socket

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol


class _Registry:
    """Open connections by client address, oldest first."""

    def __init__(self):
        self.by_client: dict[str, collections.OrderedDict] = {}
        self.total: collections.OrderedDict = collections.OrderedDict()
        self.evicted = 0
        self.refused = 0

    def stats(self) -> dict:
        return {
            "open": len(self.total),
            "clients": len(self.by_client),
            "evicted": self.evicted,
            "refused": self.refused,
        }

    def add(self, proto) -> None:
        self.by_client.setdefault(proto.peer, collections.OrderedDict())[proto] = None
        self.total[proto] = None

    def discard(self, proto) -> None:
        conns = self.by_client.get(proto.peer)
        if conns is not None:
            conns.pop(proto, None)
            if not conns:
                del self.by_client[proto.peer]
        self.total.pop(proto, None)


def _response(status: int, reason: bytes, message: str) -> bytes:
    body = json.dumps({"error": message, "status": status}).encode()
    return (
        b"HTTP/1.1 %d %s\r\ncontent-type: application/json\r\ncontent-length: %d\r\nconnection: close\r\n"
        b"x-content-type-options: nosniff\r\n\r\n" % (status, reason, len(body))
    ) + body


def protocol_class(
    header_timeout: float = 10.0, per_client: int = 64, total: int = 512, max_request_line: int = 65536
) -> type:
    """The protocol class to give ``uvicorn.Config(http=...)``."""
    registry = _Registry()

    class GuardedH11Protocol(H11Protocol):
        registry_ = registry

        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self.peer = self.client[0] if self.client else ""
            self._awaiting_since = self.loop.time()
            self._header_timer = None
            self._served = 0
            self._tail = b""  # last bytes read of a request whose headers are not complete yet
            if not self._make_room():
                registry.refused += 1
                transport.write(_response(503, b"Service Unavailable", "too many open connections; try again shortly"))
                transport.close()
                self.connections.discard(self)
                return
            registry.add(self)
            self._malformed = None
            self._watch()
            self._arm_header_timer()

        def _make_room(self) -> bool:
            """Keep the caps: evict the longest-waiting connection of this client (or of all) if needed."""
            mine = registry.by_client.get(self.peer, {})
            for pool, cap in ((mine, per_client), (registry.total, total)):
                if len(pool) < cap:
                    continue
                victim, rank = None, 3
                for p in pool:  # oldest first; stop at the first stalled one
                    r = p._eviction_rank() if p._awaiting_headers() else 3
                    if r < rank:
                        victim, rank = p, r
                        if r == 0:
                            break
                if victim is None:
                    return False
                victim._evict()
            return True

        def _awaiting_headers(self) -> bool:
            return self.cycle is None or self.cycle.response_complete

        def _eviction_rank(self) -> int:
            """0 stalled part-way, 1 silent and new, 2 idle keep-alive, 3 a request is waiting: keep it."""
            pending = self._peek()
            if b"\r\n\r\n" in self._tail + pending:
                return 3
            if self._served:
                return 2
            return 0 if (self._tail or pending) else 1

        def _peek(self) -> bytes:
            """Bytes the kernel holds for this connection that the loop has not read yet."""
            try:
                fd = self.transport.get_extra_info("socket").fileno()
                with socket.fromfd(fd, socket.AF_INET, socket.SOCK_STREAM) as s:
                    return s.recv(65536, socket.MSG_PEEK | socket.MSG_DONTWAIT)
            except (OSError, AttributeError):
                return b""

        def _evict(self) -> None:
            registry.evicted += 1
            registry.discard(self)
            self._cancel_header_timer()
            if not self.transport.is_closing():
                self.transport.write(_response(408, b"Request Timeout", "connection closed to make room for others"))
                self.transport.close()

        def _arm_header_timer(self) -> None:
            self._cancel_header_timer()
            self._awaiting_since = self.loop.time()
            self._header_timer = self.loop.call_later(header_timeout, self._header_timeout)

        def _cancel_header_timer(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _header_timeout(self) -> None:
            self._header_timer = None
            if self._awaiting_headers() and not self.transport.is_closing():
                msg = f"request headers not received within {header_timeout:g} s"
                self.transport.write(_response(408, b"Request Timeout", msg))
                self.transport.close()

        def connection_lost(self, exc) -> None:
            registry.discard(self)
            self._cancel_header_timer()
            super().connection_lost(exc)

        def _watch(self) -> None:
            """See each event h11 gives uvicorn: a complete request stops the header timer."""
            real = self.conn.next_event

            def next_event():
                try:
                    event = real()
                except h11.RemoteProtocolError as e:
                    self._malformed = e
                    raise
                if isinstance(event, h11.Request):
                    self._cancel_header_timer()
                    self._tail = b""
                return event

            self.conn.next_event = next_event

        def send_400_response(self, msg: str) -> None:  # uvicorn's hook for a malformed request
            e = getattr(self, "_malformed", None) or h11.RemoteProtocolError(msg)
            buffered = bytes(self.conn.trailing_data[0]) if self.conn.trailing_data else b""
            if getattr(e, "error_status_hint", 400) == 431:
                if b"\n" not in buffered[: max_request_line + 2]:
                    resp = _response(414, b"URI Too Long", f"the URL is longer than {max_request_line} bytes")
                else:
                    resp = _response(431, b"Request Header Fields Too Large", "the request headers are too large")
            else:
                reason = str(e).splitlines()[0] if str(e) else "malformed request"
                resp = _response(400, b"Bad Request", f"malformed HTTP request: {reason}")
            if not self.transport.is_closing():
                self.transport.write(resp)
                self.transport.close()

        def data_received(self, data: bytes) -> None:
            self._tail = (self._tail + data)[-3:]
            super().data_received(data)

        def on_response_complete(self) -> None:
            self._served += 1
            super().on_response_complete()
            if not self.transport.is_closing():
                self._arm_header_timer()

    return GuardedH11Protocol
