"""Settings of the endpoint, with safe defaults."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field

from mesokg.errors import InputError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_TIMEOUT = 10.0  # seconds a query may run before its worker is killed
DEFAULT_MAX_ROWS = 10_000  # rows (or triples) a response carries at most; the rest is cut off
DEFAULT_MAX_BODY = 1_000_000  # bytes of a request body (or of a query in a URL)
DEFAULT_MAX_MEMORY = 2048  # MiB of address space a worker may use (0: no limit)
DEFAULT_MAX_BYTES = 64 * 1024 * 1024  # bytes of result terms a response carries at most; the rest is cut off
DEFAULT_SERVER_MEMORY = 1024  # MiB the server process may grow beyond its size once loaded (0: no limit)


def default_workers() -> int:
    """One worker per core plus one (so cores stay busy while the server passes answers on), at least 3.

    With more than one worker, a runaway query never blocks the rest until it is stopped.
    """
    return max(3, (os.cpu_count() or 1) + 1)


@dataclass
class ServeConfig:
    """What ``mesokg serve`` was asked to do."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    store_path: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    max_rows: int = DEFAULT_MAX_ROWS
    max_body: int = DEFAULT_MAX_BODY
    workers: int = field(default_factory=default_workers)
    cors: tuple[str, ...] = ()
    max_memory: int = DEFAULT_MAX_MEMORY
    access_log: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES
    server_memory: int = DEFAULT_SERVER_MEMORY
    burst: int | None = None  # extra workers forked when all are busy (default: as many as workers, at least 2)
    per_client: int = 16  # queries one client address may have waiting or running
    header_timeout: float = 10.0  # seconds to send a request's headers
    body_timeout: float = 30.0  # seconds to send a request's body
    keep_alive: float = 5.0  # seconds an idle connection stays open
    max_connections: int = 512  # open connections in total
    max_client_connections: int = 64  # open connections from one client address

    def check(self) -> ServeConfig:
        """Refuse settings that make no sense, with a one-line reason."""
        if not 0 <= self.port <= 65535:
            raise InputError(f"--port {self.port}: use a port number from 1 to 65535 (0 picks a free one)")
        if not self.timeout > 0:
            raise InputError(f"--timeout {self.timeout}: give a positive number of seconds")
        if self.max_rows < 1:
            raise InputError(f"--max-rows {self.max_rows}: give a positive number of rows")
        if self.max_body < 1024:
            raise InputError(f"--max-body {self.max_body}: give at least 1024 bytes")
        if not 1 <= self.workers <= 64:
            raise InputError(f"--workers {self.workers}: give a number from 1 to 64")
        if self.max_bytes < 1024:
            raise InputError(f"--max-bytes {self.max_bytes}: give at least 1024 bytes")
        if self.server_memory < 0:
            raise InputError(f"--server-memory {self.server_memory}: give MiB, or 0 for no limit")
        if self.max_connections < 8 or not 1 <= self.max_client_connections <= self.max_connections:
            raise InputError("--max-connections: give at least 8, and at least as many as per client")
        if self.max_memory < 0:
            raise InputError(f"--max-memory {self.max_memory}: give MiB, or 0 for no limit")
        for origin in self.cors:
            if origin != "*" and not origin.startswith(("http://", "https://")):
                raise InputError(f"--cors {origin!r}: give an origin such as https://example.org, or *")
        return self

    @property
    def loopback(self) -> bool:
        """True when the server listens on a loopback address only."""
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host.strip("[]")).is_loopback
        except ValueError:
            return False
