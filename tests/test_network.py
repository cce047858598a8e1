"""Tests reach loopback only (pytest-socket, configured in pyproject.toml): nothing leaves the
machine, whatever the code under test tries."""

import socket

import pytest
from pytest_socket import SocketConnectBlockedError


# pytest-socket warns as well as raising; the raise is what this test is about.
@pytest.mark.filterwarnings("ignore:A test tried to use socket:UserWarning")
def test_a_connection_beyond_loopback_is_refused():
    # given an address outside this machine (TEST-NET-1, never routed)
    address = ("192.0.2.1", 80)

    # when a test tries to connect to it, then the attempt is blocked before any packet leaves
    with (
        socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock,
        pytest.raises(SocketConnectBlockedError),
    ):
        sock.connect(address)


def test_loopback_stays_reachable():
    # given a listening socket on loopback
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)

        # when a test connects to it, then it succeeds
        with socket.create_connection(server.getsockname(), timeout=2) as client:
            assert client.getpeername() == server.getsockname()
