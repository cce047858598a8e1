"""PII detection on real-looking client comments, and the traps a law or accounting firm's text is
full of: dates, amounts, matter and invoice numbers, times, years."""

import pytest

from feedback.privacy.redaction import pii_find, pii_redact, pii_redact_json


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Please call me on 07911 123456 or email jane.doe@example.co.uk before Friday.",
            "Please call me on [phone] or email [email] before Friday.",
        ),
        (
            "Our office line is (020) 7946 0958; from abroad +44 20 7946 0958.",
            "Our office line is [phone]; from abroad [phone].",
        ),
        (
            "Refund to IBAN GB82 WEST 1234 5698 7654 32, or DE89370400440532013000.",
            "Refund to IBAN [iban], or [iban].",
        ),
        (
            "You charged my card 4111 1111 1111 1111 twice, and 5500-0000-0000-0004 once.",
            "You charged my card [card] twice, and [card] once.",
        ),
        ("My NI number is AB 12 34 56 C.", "My NI number is [ni-number]."),
        (
            "Send the deeds to 10 Downing Street, London SW1A 2AA (or m1 1ae).",
            "Send the deeds to 10 Downing Street, London [postcode] (or [postcode]).",
        ),
    ],
)
def test_personal_data_is_masked(text, expected):
    assert pii_redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Invoice INV-2024-00123 for £12,500.00 was due on 12/03/2024 and paid 2024-03-14.",
        "Matter MAT-2023-04417 (ref 4471-2290-1185) closed at 10:30 on 1 May 2023.",
        "We paid 1,234,567.89 over 36 months; claim number 202400012345.",
        "Order 1234567890123 and account 12345678, sort code 20-00-00 in Q3 2024.",
        # Not issued by HMRC (BG, GB, NK... prefixes; D, F, I, Q, U, V letters); not a postcode.
        "Codes GB 12 34 56 A, QQ 12 34 56 C and B2B SaaS, CO2 and 4K TV.",
        "The 3 partners billed 07:45 to 19:30 on 2024-11-05.",
    ],
)
def test_dates_amounts_and_matter_numbers_are_left_alone(text):
    assert pii_find(text) == []
    assert pii_redact(text) == text


def test_known_names_are_masked_whole_and_case_insensitively():
    text = "Ann Smith and ann smith's colleague Annabel said Smith was helpful."
    assert pii_redact(text, names=["Ann Smith", "Smith"]) == (
        "[name] and [name]'s colleague Annabel said [name] was helpful."
    )


def test_an_email_address_is_not_also_taken_for_a_phone_number():
    found = pii_find("write to 07911123456@sms.example.com")
    assert [(f.kind, f.of("write to 07911123456@sms.example.com")) for f in found] == [
        ("email", "07911123456@sms.example.com")
    ]


def test_every_string_of_a_json_payload_is_masked_and_the_rest_kept():
    payload = {"id": 7, "text": "Ring 07911 123456", "tags": ["a@b.example", 3], "ok": True}
    assert pii_redact_json(payload) == {
        "id": 7,
        "text": "Ring [phone]",
        "tags": ["[email]", 3],
        "ok": True,
    }
