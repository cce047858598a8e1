"""Find and mask personal data in client voice: e-mail addresses, phone numbers, IBANs, card
numbers, UK National Insurance numbers, UK postcodes and the names Earshot knows.

Phone numbers are found by Google's libphonenumber (`phonenumbers`, which validates each candidate
against the numbering plan, so dates, amounts and matter numbers are not taken for phones). The
other kinds are patterns with a validator each where the format has one: IBANs pass ISO 7064
mod-97, card numbers pass Luhn and have 13-19 digits, NI numbers use only the prefixes HMRC
issues. Nothing here loads a model or reaches the network.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

import phonenumbers

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
# Groups of four as written on statements, or all in one; validated by mod-97 below.
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b")
CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
# HMRC never issues the prefixes BG, GB, KN, NK, NT, TN, ZZ, nor D, F, I, Q, U, V in either
# letter, nor O as the second.
NI_NUMBER = re.compile(
    r"\b(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
    r" ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b"
)
# The Royal Mail's formats (A9 9AA, A99 9AA, A9A 9AA, AA9 9AA, AA99 9AA, AA9A 9AA) and GIR 0AA.
POSTCODE = re.compile(
    r"\b(?:GIR ?0AA|[A-PR-UWYZ](?:\d[A-HJKPSTUW]?|[A-HK-Y]\d[ABEHMNPRV-Y]?|\d{2}|[A-HK-Y]\d{2})"
    r" ?\d[ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)

MASKS = {
    "email": "[email]",
    "phone": "[phone]",
    "iban": "[iban]",
    "card": "[card]",
    "ni_number": "[ni-number]",
    "postcode": "[postcode]",
    "name": "[name]",
}


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int

    def of(self, text: str) -> str:
        return text[self.start : self.end]


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _iban_ok(candidate: str) -> bool:
    compact = candidate.replace(" ", "")
    if not 15 <= len(compact) <= 34:
        return False
    moved = compact[4:] + compact[:4]
    number = "".join(str(int(ch, 36)) for ch in moved)
    return int(number) % 97 == 1


def _card_ok(candidate: str) -> bool:
    digits = re.sub(r"[ -]", "", candidate)
    return 13 <= len(digits) <= 19 and len(set(digits)) > 1 and _luhn_ok(digits)


def _pattern_findings(text: str) -> Iterable[Finding]:
    for match in EMAIL.finditer(text):
        yield Finding("email", match.start(), match.end())
    for match in IBAN.finditer(text):
        if _iban_ok(match.group()):
            yield Finding("iban", match.start(), match.end())
    for match in CARD.finditer(text):
        if _card_ok(match.group()):
            yield Finding("card", match.start(), match.end())
    for match in NI_NUMBER.finditer(text):
        yield Finding("ni_number", match.start(), match.end())
    # A valid number in the plan of the UK (national format, "0...") or of any country ("+" or
    # "00"). Digits that start otherwise are a reference, not a number someone dials: without
    # this, "4471-2290-1185" would be read as +44 7122 901185.
    for found in phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.VALID):
        if found.raw_string.lstrip("(").startswith(("0", "+")):
            yield Finding("phone", found.start, found.end)
    for match in POSTCODE.finditer(text):
        yield Finding("postcode", match.start(), match.end())


def _name_findings(text: str, names: Iterable[str]) -> Iterable[Finding]:
    # Longest first, so "Ann Smith" is masked whole rather than as "Ann" and "Smith".
    wanted = sorted({n.strip() for n in names if len(n.strip()) >= 3}, key=len, reverse=True)
    if not wanted:
        return
    pattern = re.compile(
        r"(?<!\w)(?:" + "|".join(re.escape(n) for n in wanted) + r")(?!\w)", re.IGNORECASE
    )
    for match in pattern.finditer(text):
        yield Finding("name", match.start(), match.end())


def pii_find(text: str, *, names: Iterable[str] = ()) -> list[Finding]:
    """Every piece of personal data in `text`, in order, without overlaps (an earlier kind of
    `MASKS` wins where two overlap: an e-mail's digits are not also a phone number)."""
    found = [*_pattern_findings(text), *_name_findings(text, names)]
    rank = {kind: i for i, kind in enumerate(MASKS)}
    found.sort(key=lambda f: (rank[f.kind], f.start))
    kept: list[Finding] = []
    for finding in found:
        if all(finding.end <= k.start or finding.start >= k.end for k in kept):
            kept.append(finding)
    return sorted(kept, key=lambda f: f.start)


def pii_redact(text: str, *, names: Iterable[str] = ()) -> str:
    """`text` with each finding of `pii_find` replaced by its mask ("[email]", "[phone]", ...)."""
    if not text:
        return text
    out: list[str] = []
    position = 0
    for finding in pii_find(text, names=names):
        out.append(text[position : finding.start])
        out.append(MASKS[finding.kind])
        position = finding.end
    out.append(text[position:])
    return "".join(out)


def pii_redact_json(value: object, *, names: Iterable[str] = ()) -> object:
    """A JSON value with every string in it redacted (webhook payloads, exports)."""
    names = tuple(names)
    if isinstance(value, str):
        return pii_redact(value, names=names)
    if isinstance(value, list):
        return [pii_redact_json(v, names=names) for v in value]
    if isinstance(value, dict):
        return {k: pii_redact_json(v, names=names) for k, v in value.items()}
    return value
