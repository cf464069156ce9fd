"""The server's listening socket sends answers at once (TCP_NODELAY) on every connection."""

from __future__ import annotations

import socket

from walks.web.sockets import answer_without_delay


def test_connections_accepted_after_the_call_send_without_delay() -> None:
    with socket.socket(family=socket.AF_INET) as listening:  # as streamlit run binds it
        listening.bind(("127.0.0.1", 0))
        listening.listen(1)
        assert answer_without_delay() >= 1
        with socket.create_connection(listening.getsockname()):
            accepted, _ = listening.accept()
            with accepted:
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


def test_without_it_the_accepted_connection_waits_for_acknowledgements() -> None:
    """The control: Nagle's algorithm is on where nothing switched it off."""
    with socket.socket(family=socket.AF_INET) as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen(1)
        with socket.create_connection(listening.getsockname()):
            accepted, _ = listening.accept()
            with accepted:
                assert not accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
