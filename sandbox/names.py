"""Name pools for generated companies and people (all fictional)."""

from __future__ import annotations

import functools
import random

COMPANY_PREFIXES = (
    "Northwind",
    "Bluefin",
    "Cobalt",
    "Granite",
    "Helix",
    "Juniper",
    "Keystone",
    "Lumen",
    "Meridian",
    "Nimbus",
    "Orchid",
    "Pioneer",
    "Quartz",
    "Redwood",
    "Summit",
    "Tidal",
    "Umbra",
    "Vertex",
    "Willow",
    "Zephyr",
    "Atlas",
    "Beacon",
    "Cascade",
    "Delta",
    "Ember",
    "Falcon",
    "Glacier",
    "Harbor",
    "Ion",
    "Jade",
    "Kestrel",
    "Lattice",
    "Mosaic",
    "Nova",
    "Onyx",
    "Prism",
    "Quill",
    "Raven",
    "Sable",
    "Tundra",
    "Ursa",
    "Vantage",
    "Wren",
    "Xylo",
    "Yarrow",
    "Zenith",
    "Aurora",
    "Basalt",
    "Cedar",
    "Dune",
)
COMPANY_SUFFIXES = (
    "Analytics",
    "Logistics",
    "Health",
    "Bank",
    "Robotics",
    "Energy",
    "Media",
    "Software",
    "Labs",
    "Systems",
    "Foods",
    "Insurance",
    "Telecom",
    "Motors",
    "Pharma",
    "Retail",
    "Aerospace",
    "Capital",
    "Games",
    "Networks",
    "Biotech",
    "Mobility",
    "Payments",
    "Learning",
    "Security",
    "Semiconductors",
    "Travel",
    "Shipping",
    "Agritech",
    "Studios",
)
CITIES = (
    "Austin",
    "Berlin",
    "Lyon",
    "Osaka",
    "Toronto",
    "Sydney",
    "Dublin",
    "Madrid",
    "Seoul",
    "Denver",
    "Oslo",
    "Pune",
    "Leeds",
    "Porto",
    "Zurich",
    "Boston",
    "Milan",
    "Perth",
    "Chicago",
    "Gdansk",
)
LEGAL_BY_REGION = {
    "AMER": ("Inc.", "LLC", "Corp.", ""),
    "EMEA": ("GmbH", "Ltd", "S.A.", "AG", "B.V.", "plc", ""),
    "APAC": ("Pty Ltd", "K.K.", "Pte. Ltd.", "Ltd", ""),
}
TLD_BY_REGION = {
    "AMER": (".com", ".io", ".us", ".ca"),
    "EMEA": (".com", ".de", ".co.uk", ".fr", ".nl", ".eu"),
    "APAC": (".com", ".com.au", ".jp", ".sg", ".in"),
}

FIRST_NAMES = (
    "Aisha",
    "Ben",
    "Carla",
    "Dmitri",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "Jonas",
    "Kavya",
    "Liam",
    "Mei",
    "Nadia",
    "Omar",
    "Priya",
    "Quentin",
    "Rosa",
    "Sven",
    "Tara",
    "Uma",
    "Victor",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zoe",
    "Ahmed",
    "Bianca",
    "Chen",
    "Diego",
    "Emma",
    "Felix",
    "Gabriela",
    "Hannah",
    "Ivan",
    "Julia",
    "Kenji",
    "Lucia",
    "Mateo",
    "Noor",
    "Olga",
    "Pedro",
    "Rahul",
    "Sara",
    "Tomasz",
    "Ulrike",
    "Valentina",
    "William",
    "Yara",
    "Zain",
    "Amelie",
    "Bruno",
    "Chiara",
    "Daniel",
    "Eitan",
    "Fatima",
    "Giulia",
    "Hugo",
    "Isabel",
    "Jakob",
)
LAST_NAMES = (
    "Adeyemi",
    "Becker",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Hoffmann",
    "Ito",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Martin",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Quinn",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Usman",
    "Varga",
    "Wagner",
    "Xu",
    "Yilmaz",
    "Zhang",
    "Andersson",
    "Bianchi",
    "Chowdhury",
    "Dias",
    "Evans",
    "Ferrari",
    "Gupta",
    "Hansen",
    "Iyer",
    "Jovanovic",
    "Kim",
    "Lopez",
    "Moreau",
    "Novak",
    "O'Brien",
    "Park",
    "Reyes",
    "Singh",
    "Torres",
    "Ueda",
    "Vogel",
    "Walsh",
    "Young",
    "Zielinski",
)
CONTACT_TITLES = (
    "DevOps Engineer",
    "Platform Engineer",
    "Site Reliability Engineer",
    "Engineering Manager",
    "IT Administrator",
    "Head of Engineering",
    "CTO",
    "Software Engineer",
    "Release Manager",
    "Security Engineer",
    "Systems Administrator",
    "Procurement Manager",
    None,
)
AGENT_TITLES = ("Support Engineer", "Senior Support Engineer", "Staff Support Engineer")


def company_name(seed: int, index: int) -> tuple[str, str]:
    """A unique (name stem, domain stem) for account ``index``; unique per seed."""
    order = _pair_order(seed)
    pairs = len(order)
    pair = order[index % pairs]
    prefix = COMPANY_PREFIXES[pair // len(COMPANY_SUFFIXES)]
    suffix = COMPANY_SUFFIXES[pair % len(COMPANY_SUFFIXES)]
    stem = f"{prefix} {suffix}"
    domain = f"{prefix}{suffix}".lower()
    lap = index // pairs
    if lap:
        city = CITIES[(lap - 1) % len(CITIES)]
        round_no = (lap - 1) // len(CITIES)
        stem = f"{stem} {city}" + (f" {round_no + 1}" if round_no else "")
        domain = f"{domain}-{city.lower()}" + (str(round_no + 1) if round_no else "")
    return stem, domain


@functools.lru_cache(maxsize=8)
def _pair_order(seed: int) -> tuple[int, ...]:
    order = list(range(len(COMPANY_PREFIXES) * len(COMPANY_SUFFIXES)))
    random.Random(seed * 7919 + 17).shuffle(order)
    return tuple(order)


def person(r: random.Random) -> tuple[str, str]:
    return r.choice(FIRST_NAMES), r.choice(LAST_NAMES)


def email_local(first: str, last: str, r: random.Random) -> str:
    last_clean = last.replace("'", "").lower()
    style = r.randrange(5)
    if style == 0:
        return f"{first.lower()}.{last_clean}"
    if style == 1:
        return f"{first[0].lower()}{last_clean}"
    if style == 2:
        return f"{first.lower()}"
    if style == 3:
        return f"{first.lower()}_{last_clean}"
    return f"{first.lower()}.{last_clean}{r.randrange(2, 99)}"


def vary_case(email: str, r: random.Random) -> str:
    """Emails as people type them: mostly lower case, sometimes capitalised."""
    style = r.random()
    if style < 0.75:
        return email
    local, _, domain = email.partition("@")
    if style < 0.9:
        parts = local.split(".")
        return ".".join(p[:1].upper() + p[1:] for p in parts) + "@" + domain
    if style < 0.97:
        return local[:1].upper() + local[1:] + "@" + domain[:1].upper() + domain[1:]
    return email.upper()
