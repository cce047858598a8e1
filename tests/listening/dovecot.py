"""A throwaway Dovecot IMAP server on loopback, for the tests and bench/ingest.py.

Dovecot (Debian package `dovecot-imapd`) runs with its own config in a tmp dir: its own port,
plaintext auth on loopback, a passwd-file of users and maildirs in tmp.
"""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"

CONFIG = """
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
default_login_user = {login_user}
default_internal_user = {internal_user}
first_valid_uid = 1
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""


@dataclass
class ImapServer:
    host: str
    port: int
    root: Path
    uid: int
    gid: int

    users: list = field(default_factory=list)

    def add_user(self) -> tuple[str, str]:
        """A fresh, empty mailbox user from the pool written before Dovecot started (Dovecot
        notices passwd-file changes by mtime in whole seconds, so late additions can be missed)."""
        return self.users.pop()


def _write_users(root: Path, uid: int, gid: int, count: int) -> list[tuple[str, str]]:
    users = []
    with open(root / "passwd", "w") as fh:
        for _ in range(count):
            user, password = f"u{uuid.uuid4().hex[:12]}", uuid.uuid4().hex
            fh.write(f"{user}:{{PLAIN}}{password}\n")
            for sub in ("mail", "home"):
                (root / sub / user).mkdir(parents=True)
                os.chown(root / sub / user, uid, gid)
            users.append((user, password))
    return users


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def dovecot_running(users: int = 200) -> Iterator[ImapServer]:
    """Start Dovecot, yield it, stop it and remove its files."""
    # Not pytest's tmp_path: its parents are 0700, and Dovecot's own unprivileged users must
    # traverse to the passwd-file and maildirs.
    root = Path(tempfile.mkdtemp(prefix="earshot-dovecot-"))
    root.chmod(0o755)
    if os.geteuid() == 0:
        # Dovecot refuses to give mail processes root; run them as its own unprivileged user.
        mail_user = pwd.getpwnam("dovecot")
        uid, gid = mail_user.pw_uid, mail_user.pw_gid
        login_user, internal_user = "dovenull", "dovecot"
    else:
        me = pwd.getpwuid(os.getuid())
        uid, gid = me.pw_uid, me.pw_gid
        login_user = internal_user = me.pw_name
    for sub in ("run", "state", "mail", "home"):
        (root / sub).mkdir()
        os.chown(root / sub, uid, gid)
    users = _write_users(root, uid, gid, count=users)
    (root / "passwd").chmod(0o644)
    port = _free_port()
    conf = root / "dovecot.conf"
    conf.write_text(
        CONFIG.format(
            root=root,
            port=port,
            uid=uid,
            gid=gid,
            login_user=login_user,
            internal_user=internal_user,
        )
    )
    proc = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(conf)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                if s.recv(100).startswith(b"* OK"):
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            out = proc.stdout.read().decode() if proc.stdout else ""
            log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
            shutil.rmtree(root, ignore_errors=True)
            raise RuntimeError(f"Dovecot did not start:\n{out}\n{log}")
        time.sleep(0.1)
    try:
        yield ImapServer(host="127.0.0.1", port=port, root=root, uid=uid, gid=gid, users=users)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(root, ignore_errors=True)
