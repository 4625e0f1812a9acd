"""The outermost middleware: arrival time, security headers, and the Host check on loopback.

The Host check stops DNS-rebinding pages from reading a local endpoint through the browser; the
header is parsed strictly (``name[:port]`` or ``[v6][:port]``), so ``[::1].evil.com`` is refused.
"""

from __future__ import annotations

import asyncio
import json
import re

from starlette.responses import Response

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]
LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1"}
SECURITY_HEADERS_STR = [(k.decode(), v.decode()) for k, v in SECURITY_HEADERS]


_HOST = re.compile(r"\[(?P<v6>[0-9a-f:.]+)\](?::[0-9]{1,5})?|(?P<name>[^:\[\]]+)(?::[0-9]{1,5})?")


def _host_name(host: str) -> str:
    """The name in a Host header (``name``, ``name:port``, ``[v6]``, ``[v6]:port``); "" if malformed."""
    m = _HOST.fullmatch(host)
    if not m:
        return ""
    return m.group("v6") or m.group("name")


class Guard:
    """Adds security headers; when serving on loopback, refuses requests for another host name.

    The host check stops DNS-rebinding pages from reading a local endpoint through the browser.
    """

    def __init__(self, app, loopback_only: bool):
        self.app = app
        self.loopback_only = loopback_only

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        scope.setdefault("state", {})["arrival"] = asyncio.get_running_loop().time()  # the time limit counts from here
        if self.loopback_only:
            host = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), "")
            if _host_name(host.lower()) not in LOOPBACK_NAMES:
                msg = f"host {host[:200]!r} is not served here: this server answers 127.0.0.1 and localhost only (see --host)"
                body = json.dumps({"error": msg, "status": 421}).encode()
                resp = Response(body, 421, media_type="application/json", headers=dict(SECURITY_HEADERS_STR))
                return await resp(scope, receive, send)

        async def send_secure(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *SECURITY_HEADERS]}
            await send(message)

        await self.app(scope, receive, send_secure)
