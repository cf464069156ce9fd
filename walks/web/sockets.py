"""Answers sent at once on kept-alive connections: TCP_NODELAY on the server's listening socket.

``streamlit run`` binds its listening socket itself, without naming the TCP protocol, so
asyncio does not switch off Nagle's algorithm on the connections it accepts. Every answer
after a connection's first then waits for the client's delayed acknowledgement before its
body leaves: 40 ms on a local network, a whole round trip (400 ms) on a slow mobile one.
Set on the listening socket, TCP_NODELAY is inherited by every connection accepted later
(Linux); ``app.py`` calls this when the server imports it, after the socket is bound.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

_OPEN_FILES = Path("/proc/self/fd")


def answer_without_delay() -> int:
    """Set TCP_NODELAY on this process's listening TCP sockets; return how many there were.

    Where the process's open files cannot be listed (not Linux), nothing is done.
    """
    if not _OPEN_FILES.is_dir():
        return 0
    found = 0
    for entry in _OPEN_FILES.iterdir():
        try:
            sock = socket.socket(fileno=os.dup(int(entry.name)))
        except (OSError, ValueError):  # not a socket, or closed meanwhile
            continue
        with sock:
            if (
                sock.family in (socket.AF_INET, socket.AF_INET6)
                and sock.type == socket.SOCK_STREAM
                and sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)
            ):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                found += 1
    return found
