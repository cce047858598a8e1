"""Email messages for the listening tests, built as real RFC 5322 bytes."""

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from django.utils import timezone


def email_bytes(
    *,
    sender: str = "pat@client.example",
    to: str = "listen@firm.example",
    subject: str = "About the audit",
    body: str = "The audit was late and nobody called us back.",
    html: str | None = None,
    message_id: str | None = None,
    headers: dict | None = None,
    charset: str = "utf-8",
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(timezone.now())
    msg["Message-ID"] = message_id or make_msgid(domain="client.example")
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body, charset=charset)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    return msg.as_bytes()


REPLY_WITH_QUOTE = """Hi team,

Thanks for the quick turnaround on the contract review, it really helped.

Best regards,
Pat Jones
Head of Legal, Globex | +44 20 7946 0000

On Mon, 2 Mar 2026 at 09:12, Acme Legal <listen@firm.example> wrote:
> How did we do on your recent matter?
> Reply to this email to tell us.
"""
