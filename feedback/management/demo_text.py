"""Compose the demo firm's client comments from varied parts, deterministically from a seed.

Each comment is an opener, one or two statements about a brand promise (with a matter type, a fee,
a delay in days or an associate's name) and a closer, so a year of comments holds hundreds of
distinct texts instead of a few templates repeated.
"""

import random

MATTERS = [
    "share purchase",
    "lease renewal",
    "employment tribunal claim",
    "year-end audit",
    "VAT return",
    "Series B financing",
    "supplier contract review",
    "group restructuring",
    "trademark licence",
    "GDPR compliance review",
    "R&D tax credit claim",
    "shareholder dispute",
    "probate",
    "payroll audit",
    "transfer pricing report",
]
ASSOCIATES = ["Hannah", "Marcus", "Yusuf", "Chloe", "Oliver", "Ines", "Kwame", "Freya"]
OPENERS = [
    "",
    "",
    "Quick note after our call. ",
    "Following up on last week. ",
    "Some feedback, as requested. ",
    "Hi {am}, ",
    "Dear {am}, ",
    "A short word on the {matter}. ",
    "Now that the {matter} is closed, ",
    "Writing on behalf of our finance team: ",
]
POSITIVE = [
    "{assoc} knew the {matter} inside out and spotted the issue in the indemnities straight away.",
    "the advice on the {matter} was clear, practical and exactly what the board needed.",
    "{am} explained the {matter} in plain English, no jargon at all.",
    "we got the draft back within {days} days, well ahead of what we expected.",
    "the fee for the {matter} came in at £{fee}, exactly as quoted.",
    "{assoc} kept us updated every step of the {matter}, even late on a Friday.",
    "your colleagues abroad handled the cross-border side of the {matter} seamlessly.",
    "we felt like partners rather than a file number on the {matter}.",
    "{assoc} answered within the hour every time we called about the {matter}.",
    "the {matter} closed {days} days early thanks to {assoc}.",
]
NEGATIVE = [
    "we chased {days} times about the {matter} before anyone got back to us.",
    "the invoice for the {matter} was £{fee}, far above the estimate, and nobody warned us.",
    "the {matter} slipped by {days} days and we heard about it from the other side.",
    "{assoc} did not seem to understand our business, which cost us time on the {matter}.",
    "the draft for the {matter} came back full of errors and we fixed it ourselves.",
    "we were billed twice for the same work on the {matter}, £{fee} each time.",
    "nobody returned our calls for {days} days during the {matter}.",
    "the handover on the {matter} was poor: the new team knew nothing of the history.",
    "too much jargon and no clear recommendation on the {matter}.",
]
# Implied complaints: no angry word, but the point is clear.
IMPLIED = [
    "We would have appreciated hearing about the {matter} before reading it in the papers.",
    "It would help to know who is actually running the {matter} now that {assoc} has moved on.",
    "We assume the £{fee} on the last invoice for the {matter} includes the earlier estimate?",
    "Still waiting on the {matter} documents, {days} days on. Is anyone looking at it?",
    "Perhaps next time the {matter} timetable could be shared with us rather than the other side.",
    "I wonder whether {days} days for a simple {matter} is really the norm.",
]
MIXED_BUT = [
    "Excellent advice on the {matter}, but the invoice (£{fee}) was much higher than we expected.",
    "{assoc} was brilliant on the {matter}, although it took {days} days to get the first draft.",
    "Sound technical work on the {matter}; the billing, however, was confusing and late.",
    "Friendly team and a good result on the {matter}, but it dragged on {days} days too long.",
    "Great outcome on the {matter}, yet we had to chase {assoc} for every update.",
]
LEAVING = [
    "Frankly, we are moving our work to another firm after how the {matter} went.",
    "We have decided to move the {matter} and our other files to another firm.",
    "After the £{fee} invoice for the {matter}, the board asked us to look at other firms.",
    "We are considering moving our work elsewhere; the {matter} was the last straw.",
    "We have asked another firm to take over the {matter} from next month.",
]
TERSE = [
    "Great work, thanks.",
    "Spot on, as always.",
    "Very helpful, thank you {am}.",
    "Perfect, thanks {assoc}.",
    "Excellent, many thanks.",
    "Brilliant job on the {matter}.",
    "Thanks, all clear.",
    "Superb turnaround.",
]
NEUTRAL = [
    "Please send the signed copy of the {matter} documents to our finance team.",
    "Can we move Thursday's meeting on the {matter} to next week?",
    "Received the draft of the {matter}; we will come back with comments.",
    "Invoice for the {matter} received, it will go through our usual approval process.",
    "Who should we contact about the {matter} while {am} is on leave?",
]
CLOSERS = [
    "",
    "",
    " Thanks.",
    " Many thanks to the team.",
    " We will recommend you.",
    " Please pass this on to the partner.",
    " We expect better next time.",
    " Happy to discuss.",
    " Regards.",
]
MOODS = ["positive", "negative", "implied", "mixed", "leaving", "terse", "neutral"]


def comment_compose(rng: random.Random, mood: str, *, am: str) -> str:
    """One comment of the given mood for a client whose account manager is `am`."""
    parts = {
        "am": am,
        "assoc": rng.choice(ASSOCIATES),
        "matter": rng.choice(MATTERS),
        "days": rng.choice([3, 5, 6, 9, 10, 12, 14, 21, 30]),
        "fee": f"{rng.randrange(4, 95) * 500:,}",
    }
    if mood in ("positive", "negative"):
        pool = POSITIVE if mood == "positive" else NEGATIVE
        first, second = rng.sample(pool, 2)
        body = first if rng.random() < 0.5 else f"{first} Also, {second}"
        opener = rng.choice(OPENERS)
        text = opener + body
        text = text[0].upper() + text[1:] if not opener or opener.endswith(". ") else text
        closer = rng.choice(CLOSERS[:5] if mood == "positive" else CLOSERS[:3] + CLOSERS[6:])
        return (text + closer).format(**parts)
    pool = {
        "implied": IMPLIED,
        "mixed": MIXED_BUT,
        "leaving": LEAVING,
        "terse": TERSE,
        "neutral": NEUTRAL,
    }[mood]
    closer = "" if mood == "terse" else rng.choice(CLOSERS[:4])
    return (rng.choice(pool) + closer).format(**parts)
