"""Configuring channels whose credentials are stored encrypted."""

from django.db import transaction

from feedback.models import Channel, Firm, Source
from listening.crypto import secret_encrypt
from listening.models import ImapMailbox, PollState


@transaction.atomic
def imap_mailbox_set(
    *,
    firm: Firm,
    name: str,
    host: str,
    port: int,
    username: str,
    password: str,
    folder: str = "INBOX",
    use_ssl: bool = True,
) -> ImapMailbox:
    """Create or update the email Source `name` of `firm` with its IMAP mailbox. The password is
    encrypted before it is stored; changing host, user or folder resets the UID cursor."""
    source, _ = Source.objects.get_or_create(
        firm=firm, name=name, defaults={"channel": Channel.EMAIL}
    )
    box = ImapMailbox.objects.filter(source=source).first() or ImapMailbox(source=source)
    moved = (box.host, box.username, box.folder) != (host, username, folder)
    box.host, box.port, box.use_ssl = host, port, use_ssl
    box.username, box.folder = username, folder
    box.password_encrypted = secret_encrypt(password)
    if moved:
        box.uidvalidity, box.last_uid = None, 0
    box.full_clean()
    box.save()
    PollState.objects.get_or_create(source=source)
    return box
