import socket

import pytest

from tests.network_guard import NetworkBlocked


def test_it_blocks_connections_that_leave_the_machine():
    with pytest.raises(NetworkBlocked):
        socket.create_connection(("192.0.2.10", 443), timeout=1)


def test_it_allows_loopback():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    try:
        socket.create_connection(server.getsockname(), timeout=1).close()
    finally:
        server.close()
