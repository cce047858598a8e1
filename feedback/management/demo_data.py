"""The demo firm's words: its promises, clients, people and the comments `demo_seed` draws from."""

PROMISES = [
    (
        "Expertise",
        "Deep knowledge of the law and of the client's industry.",
        ["they really know their field", "sound technical advice", "expert team"],
    ),
    (
        "Approachability",
        "Easy to talk to, no jargon, treats clients as partners.",
        ["easy to talk to", "explained it in plain English", "friendly and down to earth"],
    ),
    (
        "Responsiveness",
        "Answers quickly and keeps clients informed.",
        ["replied within the hour", "kept us updated", "always available when we called"],
    ),
    (
        "Value for money",
        "Fair, predictable fees that match the value delivered.",
        ["fees were fair", "good value", "no surprises on the invoice"],
    ),
    (
        "Breadth of network",
        "Offices and partners wherever the client needs them.",
        ["their international network", "colleagues in other jurisdictions"],
    ),
]
TOUCHPOINTS = ["Proposal", "Onboarding", "Delivery", "Meetings", "Billing", "Support"]
CLIENTS = [
    ("Northwind Traders", "Retail"),
    ("Globex Corporation", "Manufacturing"),
    ("Initech", "Technology"),
    ("Umbrella Health", "Healthcare"),
    ("Stark Logistics", "Logistics"),
    ("Wayne Property Group", "Real estate"),
    ("Soylent Foods", "Food"),
    ("Hooli", "Technology"),
    ("Vandelay Industries", "Manufacturing"),
    ("Pied Piper", "Technology"),
    ("Oceanic Airlines", "Transport"),
    ("Wonka Confectionery", "Food"),
    ("Tyrell Biotech", "Healthcare"),
    ("Cyberdyne Systems", "Technology"),
    ("Acme Construction", "Construction"),
    ("Blue Sun Energy", "Energy"),
    ("Gringotts Capital", "Financial services"),
    ("Monarch Insurance", "Financial services"),
    ("Dunder Mifflin Paper", "Retail"),
    ("Massive Dynamic", "Technology"),
]
UNHAPPY = {"Initech", "Vandelay Industries", "Oceanic Airlines", "Cyberdyne Systems"}
FIRST = [
    "Sarah",
    "James",
    "Priya",
    "Tom",
    "Chen",
    "Maria",
    "David",
    "Aisha",
    "Lukas",
    "Emma",
    "Olu",
    "Grace",
    "Ravi",
    "Sofia",
    "Ben",
]
LAST = [
    "Patel",
    "Smith",
    "Okafor",
    "Müller",
    "Nguyen",
    "García",
    "Brown",
    "Kowalski",
    "Ito",
    "O'Brien",
]

# Mood weights (positive, negative, implied, mixed, leaving, terse, neutral) per kind of client.
MOOD_WEIGHTS = {
    "happy": [40, 6, 5, 12, 0, 18, 14],
    "unhappy": [10, 30, 20, 18, 0, 5, 10],
    "leaving": [4, 34, 18, 12, 16, 2, 8],
}
LEAVING_CLIENT = "Vandelay Industries"
REPLY_FROM = "client.care@harbourfinch.example"
BRAND_COLOUR = "#0b5d4b"
REPLY_TEMPLATES = [
    (
        "Thank you",
        "Dear {contact_first_name},\n\nThank you for taking the time to tell us how we did. "
        "I have shared your comments with the team.\n\nKind regards,\n{member_name}, {firm_name}",
    ),
    (
        "Sorry, we will call you",
        "Dear {contact_first_name},\n\nI am sorry that we fell short. I would like to "
        "understand what happened and put it right; I will call you this week.\n\n"
        "Kind regards,\n{member_name}, {firm_name}",
    ),
    (
        "Invoice query",
        "Dear {contact_first_name},\n\nThank you for raising the invoice. Our billing "
        "partner is reviewing it against the estimate and will come back to you "
        "within two working days.\n\n"
        "Kind regards,\n{member_name}, {firm_name}",
    ),
]
CASE_NOTES = [
    "Called the client; agreed a fixed fee for the remaining work.",
    "Partner met the GC, apologised for the delay and set a weekly update call.",
    "Credit note issued for the duplicated time entries.",
    "Explained the invoice line by line; the client accepted it.",
    "Assigned a second associate to the matter to clear the backlog.",
]
# A problem nobody asked about, only in the last month: topic discovery should raise it.
EMERGING = [
    "The new billing portal keeps logging us out before we can download the invoice.",
    "We could not log in to the new billing portal at all this week.",
    "Since the switch to the new billing portal our finance team cannot find past invoices.",
    "The billing portal rejected our card payment twice, please fix the portal.",
    "Password reset on the new billing portal never sends the e-mail.",
    "Is there a guide for the new billing portal? Nobody here can work out how to use it.",
]
TOPICS = [
    "acquisition",
    "lease renewal",
    "employment dispute",
    "audit",
    "tax filing",
    "financing round",
    "contract review",
    "restructuring",
    "licensing deal",
    "compliance review",
]
