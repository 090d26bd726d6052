"""A real SMTP server for the mail tests: aiosmtpd in a process of its own on a free port, delivering into a
Maildir the tests read messages back from (subject, recipient, body)."""
from __future__ import annotations

import email
import email.policy
import mailbox
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from hubkit.testing import wait_for

WAIT_S = 15


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpSink:
    def __init__(self, port: int, maildir: Path):
        self.host, self.port, self.maildir = "127.0.0.1", port, maildir

    def messages(self) -> list[email.message.EmailMessage]:
        """Every message delivered so far, in the order they arrived (Maildir keys start with seconds and
        microseconds)."""
        box = mailbox.Maildir(self.maildir, factory=None, create=False)
        keys = sorted(box.keys(), key=lambda key: (int(key.split(".")[0]), int(key.split(".M")[1].split("P")[0])))
        return [email.message_from_bytes(box.get_bytes(key), policy=email.policy.default) for key in keys]

    def messages_to(self, address: str) -> list[email.message.EmailMessage]:
        return [message for message in self.messages() if address in (message["To"] or "")]

    def wait_for_message_to(self, address: str, count: int = 1) -> email.message.EmailMessage:
        """The newest of the first `count` messages to `address`, once they have arrived."""
        return wait_for(lambda: len(self.messages_to(address)) >= count and self.messages_to(address)[-1],
                        timeout=WAIT_S, what=f"{count} message(s) to {address}")


@pytest.fixture(scope="session")
def smtp_sink(tmp_path_factory):
    maildir = tmp_path_factory.mktemp("smtp") / "maildir"
    mailbox.Maildir(maildir, create=True)  # its new/, cur/ and tmp/ folders, which aiosmtpd's Mailbox expects
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
                               "-c", "aiosmtpd.handlers.Mailbox", str(maildir)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def accepting() -> bool:
        if server.poll() is not None:
            raise AssertionError(f"aiosmtpd stopped: {server.stderr.read().decode()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            return False

    try:
        wait_for(accepting, timeout=WAIT_S, what="aiosmtpd to listen")
        yield SmtpSink(port, maildir)
    finally:
        server.terminate()
        server.wait(timeout=10)
