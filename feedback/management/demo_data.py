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

POSITIVE = [
    "The team really knew their field and the advice on the {topic} was spot on.",
    "Thank you for turning the {topic} around so quickly, we were kept updated at every step.",
    "{am} explained everything in plain English, which made a stressful {topic} much easier.",
    "Great outcome on the {topic}. Fees were exactly as quoted, no surprises on the invoice.",
    "Your colleagues in Singapore were brilliant on the cross-border side of the {topic}.",
    "Very impressed with the onboarding: clear engagement letter and a friendly kick-off call.",
    "Always available when we called, even late on a Friday. Much appreciated.",
    "Sound technical advice and a pragmatic view of the commercial risks.",
    "We felt like partners rather than a file number. Thanks to the whole team.",
    "Best experience we have had with an outside firm. We will recommend you.",
]
NEUTRAL = [
    "Please send the signed copy of the {topic} documents to our finance team.",
    "Can we move Thursday's meeting about the {topic} to next week?",
    "Received the draft. We will review internally and come back with comments.",
    "Invoice received, it will go through our usual approval process.",
    "Who is the best person to contact about the {topic} while {am} is on leave?",
]
MIXED = [
    "The advice on the {topic} was excellent, but the invoice was much higher than the estimate.",
    "Good work overall, although it took three reminders before anyone got back to us.",
    "Friendly team, but the {topic} dragged on longer than it should have.",
]
NEGATIVE = [
    "We have chased three times this week about the {topic} and still have no answer.",
    "The bill for the {topic} is far above the estimate and nobody warned us. Very disappointed.",
    "Nobody has returned my calls for ten days. This is not the service we were promised.",
    "The draft was full of errors and we had to correct it ourselves. Frustrating.",
    "Frankly we are considering moving our work to another firm after how the {topic} went.",
    "Too much jargon and no clear recommendation. We still do not know what to do.",
    "The junior associate clearly did not understand our business and it cost us time.",
    "Billing is a mess: three invoices for the same work and a late payment threat.",
    "I am annoyed that we found out about the missed deadline from the other side.",
    "Really unhappy with the handover, the new team knew nothing about the {topic}.",
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
