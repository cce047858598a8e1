"""Turn raw RFC 5322 bytes into what Earshot needs: who, when, which message, and the client's own
words (quoted replies and signatures stripped).

Never raises on bad input: malformed MIME, unknown charsets and broken headers degrade to the best
readable text, and the caller decides what an empty result means.
"""

import email
import email.header
import email.policy
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

from charset_normalizer import from_bytes
from django.utils import timezone
from mailparser_reply import EmailReplyParser

# Languages whose reply headers ("On ... wrote:", "Le ... a écrit :") and sign-offs are stripped.
REPLY_LANGUAGES = ["en", "de", "fr", "es", "it", "nl", "pl", "sv"]
# Raw MIME kept on the Feedback row; larger messages keep their head and a flag.
RAW_MIME_MAX_CHARS = 256_000
# Reply/signature stripping looks at this much of the body (see _strip_reply).
REPLY_PARSE_MAX_CHARS = 100_000

_AUTO_SUBJECT = re.compile(
    r"^\s*(out of (the )?office|automatic reply|auto(matic)?[- ]?(reply|response)|"
    r"abwesenheitsnotiz|réponse automatique|respuesta automática|autosvar|"
    r"undeliverable|undelivered mail|delivery status notification|"
    r"mail delivery (failed|failure|subsystem)|returned mail|failure notice)",
    re.I,
)
_BOUNCE_SENDER = re.compile(r"^(mailer-daemon|postmaster|mail-daemon)@", re.I)
_AUTO_PRECEDENCE = {"bulk", "junk", "list", "auto_reply", "auto-reply"}


@dataclass
class ParsedEmail:
    message_id: str
    sender_email: str
    sender_name: str
    subject: str
    date: datetime | None
    body: str  # the client's own words: quoted replies and signatures removed
    full_body: str  # everything readable, before stripping
    kind: str = "voice"  # voice | auto_reply | bounce
    kind_reason: str = ""
    recipients: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    raw_mime: str = ""
    raw_truncated: bool = False


def _header(msg: Message, name: str) -> str:
    try:
        value = msg.get(name)
    except Exception:  # noqa: BLE001 - the email package raises many things on broken headers
        value = None
    if value is None:
        return ""
    try:
        text = str(value)
    except Exception:  # noqa: BLE001
        text = value.encode("ascii", "replace").decode() if isinstance(value, str) else ""
    return text.replace("\x00", "").strip()


def _decode(payload: bytes, charset: str | None) -> str:
    """Bytes to text with the declared charset, else the detected one, else UTF-8 with
    replacement characters: wrong or missing charsets never fail the message."""
    if charset:
        try:
            return payload.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(payload[:200_000]).best()
    if best is not None and best.encoding:
        try:
            return payload.decode(best.encoding, errors="replace")
        except LookupError:
            pass
    # Windows-1252 maps (almost) every byte, so the text stays readable rather than replaced.
    return payload.decode("cp1252", errors="replace")


def _bodies(msg: Message) -> tuple[str, str, list[str]]:
    """(plain, html, attachment names) from the first readable text parts."""
    plain, html, attachments = "", "", []
    for part in msg.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        disposition = (part.get("Content-Disposition") or "").lower()
        filename = part.get_filename()
        if filename or disposition.startswith("attachment"):
            attachments.append(str(filename or ctype))
            continue
        if ctype not in ("text/plain", "text/html"):
            continue
        try:
            payload = part.get_payload(decode=True)
        except Exception:  # noqa: BLE001 - broken transfer encoding: keep what is there
            payload = str(part.get_payload()).encode("utf-8", "replace")
        if not isinstance(payload, bytes):
            continue
        text = _decode(payload, part.get_content_charset())
        if ctype == "text/plain" and not plain:
            plain = text
        elif ctype == "text/html" and not html:
            html = text
    return plain, html, attachments


def _html_to_text(html: str) -> str:
    # Lazy import: the feedback app's normaliser already knows how to drop scripts and tags.
    from feedback.services import text_normalise

    return text_normalise(html)


def _strip_reply(text: str) -> str:
    """The newest reply without quoted history or signature; the whole text when the library
    finds nothing to keep (it must never turn a message into nothing).

    The parser's regexes are super-linear on huge inputs, so only the head is parsed: the newest
    reply comes first, and a head with no reply header means the text is kept whole.
    """
    head = text[:REPLY_PARSE_MAX_CHARS]
    try:
        parsed = EmailReplyParser(languages=REPLY_LANGUAGES).read(head)
        body = parsed.replies[0].body.strip() if parsed.replies else ""
        cut = len(parsed.replies) > 1
    except Exception:  # noqa: BLE001 - a third-party parser must not fail ingestion
        body, cut = "", False
    if len(text) > len(head) and not cut:
        return text.strip()
    return body or text.strip()


def _classify(msg: Message, sender: str, subject: str) -> tuple[str, str]:
    auto_submitted = _header(msg, "Auto-Submitted").lower()
    if msg.get_content_type() == "multipart/report" or _BOUNCE_SENDER.match(sender):
        return "bounce", "delivery status notification"
    if auto_submitted and auto_submitted != "no":
        return "auto_reply", f"Auto-Submitted: {auto_submitted}"
    precedence = _header(msg, "Precedence").lower()
    if precedence in _AUTO_PRECEDENCE:
        return "auto_reply", f"Precedence: {precedence}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Autogenerated"):
        if _header(msg, name):
            return "auto_reply", f"{name} header"
    if _AUTO_SUBJECT.match(subject):
        kind = "bounce" if re.search(r"deliver|returned|failure", subject, re.I) else "auto_reply"
        return kind, f"subject: {subject[:80]}"
    return "voice", ""


def email_parse(data: bytes) -> ParsedEmail:
    """Parse one message. Message-ID falls back to a hash of the bytes, so a message without one
    is still recognised when it arrives again."""
    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    message_id = _header(msg, "Message-ID").strip("<> \t\r\n")[:250]
    if not message_id:
        message_id = "sha256:" + hashlib.sha256(data).hexdigest()
    sender_name, sender_email = parseaddr(_decoded_header(msg, "From"))
    subject = _decoded_header(msg, "Subject")
    try:
        date = parsedate_to_datetime(_header(msg, "Date"))
        if date is not None and timezone.is_naive(date):
            date = date.replace(tzinfo=UTC)
    except (TypeError, ValueError, IndexError):
        date = None
    plain, html, attachments = _bodies(msg)
    full = plain if plain.strip() else (_html_to_text(html) if html else "")
    full = full.replace("\x00", "")
    kind, reason = _classify(msg, sender_email, subject)
    recipients = [
        addr.lower() for _, addr in getaddresses([_header(msg, n) for n in ("To", "Cc")]) if addr
    ]
    raw_text = data.decode("utf-8", errors="replace").replace("\x00", "")
    return ParsedEmail(
        message_id=message_id,
        sender_email=sender_email.replace("\x00", "").lower()[:254],
        sender_name=sender_name.replace("\x00", "")[:200],
        subject=subject[:500],
        date=date,
        body=_strip_reply(full) if full.strip() else "",
        full_body=full,
        kind=kind,
        kind_reason=reason,
        recipients=recipients,
        attachments=attachments,
        headers={
            n: _decoded_header(msg, n)[:1000]
            for n in ("From", "To", "Cc", "Subject", "Date", "Message-ID", "In-Reply-To")
            if _header(msg, n)
        },
        raw_mime=raw_text[:RAW_MIME_MAX_CHARS],
        raw_truncated=len(raw_text) > RAW_MIME_MAX_CHARS,
    )


def _decoded_header(msg: Message, name: str) -> str:
    """RFC 2047 encoded words decoded; undecodable pieces replaced rather than raised."""
    raw = _header(msg, name)
    if not raw:
        return ""
    try:
        parts = email.header.decode_header(raw)
    except Exception:  # noqa: BLE001
        return raw
    out = []
    for chunk, charset in parts:
        if isinstance(chunk, bytes):
            out.append(_decode(chunk, charset))
        else:
            out.append(chunk)
    return re.sub(r"\s+", " ", "".join(out)).replace("\x00", "").strip()
