"""The firm's branding of its client pages: its name, colour and an uploaded logo.

A logo is checked by its content, not by the name or type the browser sent: PNG, JPEG, WebP or
GIF (no SVG, which can carry script), at most MAX_LOGO_BYTES. It is stored under MEDIA_ROOT as
`logos/<firm slug>-<content hash>.<ext>`, so a new logo gets a new address and the old file is
deleted once the new one is saved."""

import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from feedback.models import Firm
from feedback.services import audit_record

MAX_LOGO_BYTES = 512 * 1024
SIGNATURES = (  # (leading bytes, extension); WebP: "RIFF", four size bytes, then "WEBP"
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
)
CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"}


def logo_kind(content: bytes) -> str:
    """The extension of a logo's image format, or a ValidationError for anything else."""
    if len(content) > MAX_LOGO_BYTES:
        raise ValidationError(
            {"logo": f"The logo is {len(content) // 1024} KB; at most {MAX_LOGO_BYTES // 1024} KB."}
        )
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "webp"
    for signature, kind in SIGNATURES:
        if content.startswith(signature):
            return kind
    raise ValidationError({"logo": "The logo must be a PNG, JPEG, WebP or GIF image."})


@transaction.atomic
def firm_branding_update(
    *,
    firm: Firm,
    name: str,
    primary_colour: str,
    logo: Any = None,
    remove_logo: bool = False,
    actor: Any = None,
) -> Firm:
    """Set the name and colour; store `logo` (an uploaded file) as the logo, or with
    `remove_logo` go back to `logo_url` or the name."""
    old = firm.logo.name if firm.logo else ""
    firm.name, firm.primary_colour = name.strip(), primary_colour.strip()
    if logo is not None:
        content = logo.read(MAX_LOGO_BYTES + 1)
        kind = logo_kind(content)
        digest = hashlib.sha256(content).hexdigest()[:16]
        firm.full_clean(exclude=["logo"])
        firm.logo.save(f"{firm.slug}-{digest}.{kind}", ContentFile(content), save=False)
    elif remove_logo:
        firm.logo = ""  # type: ignore[assignment]
    firm.full_clean()
    firm.save(update_fields=["name", "primary_colour", "logo"])
    new = firm.logo.name if firm.logo else ""
    if old and old != new:
        storage = firm.logo.storage
        transaction.on_commit(lambda: storage.delete(old))
    audit_record(
        firm=firm, action="firm.branding", obj=firm, actor=actor, data={"logo": new, "name": name}
    )
    return firm
