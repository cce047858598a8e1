"""Clauses of a sentence, cut where the writer turns: "Excellent advice, but the invoice ...".

A sentence often praises one promise and faults another across a contrastive connective; the
sentiment of the whole sentence then belongs to neither. Cutting there lets each promise read
the sentiment of the clause that speaks to it. Pure Python, rule-based and deliberately narrow:
a connective that may not turn ("while Sarah is on leave", "not yet") only cuts after a comma.
"""

import re
from dataclasses import dataclass

# Always a turn, wherever they stand in the sentence.
_STRONG = r"but|however|although|though|whereas|even though|except that|nevertheless|nonetheless"
# A turn only after a comma, semicolon or dash.
_WEAK = r"while|yet|still|unfortunately|sadly|on the other hand|then again|that said|and yet"
_CUT = re.compile(
    rf"(?:\s*[,;:]\s*|\s+[–—-]+\s+|\s+)(?=(?:{_STRONG})\b)|(?:\s*[,;]\s*|\s+[–—-]+\s+)(?=(?:{_WEAK})\b)"
    r"|\s*;\s*",
    re.IGNORECASE,
)
# "Although the fees were high, the advice was excellent": the turn is at the first comma.
_LEADING = re.compile(
    r"^(?:although|though|even though|while|whilst|despite|in spite of|whereas)\b[^,]{3,}?,\s*",
    re.IGNORECASE,
)
MIN_WORDS = 2  # a shorter piece ("but", "though.") stays with its neighbour


@dataclass(frozen=True)
class Clause:
    """[start, end) offsets into the sentence it came from."""

    text: str
    start: int
    end: int


def _spans(sentence: str) -> list[tuple[int, int]]:
    cuts: list[tuple[int, int]] = []  # (end of the left piece, start of the right piece)
    lead = _LEADING.match(sentence)
    if lead:
        comma = sentence.rfind(",", 0, lead.end())
        cuts.append((comma, lead.end()))
    for match in _CUT.finditer(sentence, lead.end() if lead else 0):
        if match.start() > 0:
            cuts.append((match.start(), match.end()))
    spans, start = [], 0
    for left_end, right_start in cuts:
        spans.append((start, left_end))
        start = right_start
    spans.append((start, len(sentence)))
    return spans


def clauses(sentence: str) -> list[Clause]:
    """The clauses of one sentence, in order, offsets kept; [whole sentence] when none cut."""
    merged: list[tuple[int, int]] = []
    for start, end in _spans(sentence):
        text = sentence[start:end].strip(" ,;:.!?–—-")
        if merged and len(text.split()) < MIN_WORDS:
            merged[-1] = (merged[-1][0], end)  # a dangling "though" joins the clause before it
        elif len(merged) == 1 and len(sentence[merged[0][0] : merged[0][1]].split()) < MIN_WORDS:
            merged[0] = (merged[0][0], end)
        else:
            merged.append((start, end))
    out = []
    for start, end in merged:
        piece = sentence[start:end]
        text = piece.strip()
        if text:
            s = start + len(piece) - len(piece.lstrip())
            out.append(Clause(text, s, s + len(text)))
    return out or [Clause(sentence, 0, len(sentence))]


def clauses_of(texts: list[str], wanted: list[bool]) -> tuple[list[str], list[int]]:
    """Clause texts of the wanted sentences that cut into more than one, and their sentence's
    index: sentences that do not cut need no second encoder pass."""
    out: list[str] = []
    owner: list[int] = []
    for i, (text, want) in enumerate(zip(texts, wanted, strict=True)):
        pieces = clauses(text) if want else []
        if len(pieces) > 1:
            out += [c.text for c in pieces]
            owner += [i] * len(pieces)
    return out, owner
