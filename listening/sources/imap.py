"""IMAP mailbox reader (imap-tools for the session, raw UID FETCH for exact bytes).

Reads messages with UID greater than the cursor, oldest first, without marking them seen. When the
folder's UIDVALIDITY differs from the stored one, UIDs were renumbered: the reader starts again
from UID 1 and the services' Message-ID de-duplication keeps that idempotent.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from imap_tools import MailBox, MailBoxUnencrypted
from imap_tools.errors import MailboxLoginError

from listening.sources.base import ConnectorError

_UID = re.compile(rb"UID (\d+)")
FETCH_CHUNK = 50


@dataclass(frozen=True)
class ImapMessage:
    uidvalidity: int
    uid: int
    data: bytes


def imap_messages(
    *,
    host: str,
    port: int,
    use_ssl: bool,
    username: str,
    password: str,
    folder: str,
    uidvalidity: int | None,
    last_uid: int,
    limit: int,
    timeout: float = 30.0,
) -> Iterator[ImapMessage]:
    """Yield up to `limit` new messages in UID order. Raises ConnectorError for a login failure,
    a missing folder or an unreachable server."""
    box_class = MailBox if use_ssl else MailBoxUnencrypted
    try:
        with box_class(host, port, timeout=timeout).login(username, password, folder) as box:
            status = box.folder.status(folder, ["UIDVALIDITY"])
            current_validity = int(status["UIDVALIDITY"])
            start = last_uid if uidvalidity == current_validity else 0
            uids = sorted(u for u in map(int, box.uids(f"UID {start + 1}:*")) if u > start)
            uids = uids[:limit]
            for i in range(0, len(uids), FETCH_CHUNK):
                chunk = ",".join(str(u) for u in uids[i : i + FETCH_CHUNK])
                typ, data = box.client.uid("fetch", chunk, "(UID BODY.PEEK[])")
                if typ != "OK":
                    raise ConnectorError(f"IMAP FETCH failed: {typ}")
                found = []
                for item in data:
                    if isinstance(item, tuple):
                        match = _UID.search(item[0])
                        if match:
                            found.append((int(match.group(1)), item[1]))
                for uid, body in sorted(found):
                    yield ImapMessage(uidvalidity=current_validity, uid=uid, data=body)
    except MailboxLoginError as exc:
        raise ConnectorError("IMAP login failed: check the mailbox username and password.") from exc
    except (TimeoutError, OSError) as exc:
        raise ConnectorError(f"Cannot reach IMAP server {host}:{port}: {exc}") from exc
    except ConnectorError:
        raise
    except Exception as exc:  # noqa: BLE001 - imap-tools raises its own error types per command
        raise ConnectorError(f"IMAP error: {exc.__class__.__name__}: {exc}") from exc
