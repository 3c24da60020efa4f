"""The DDAS v0.9 vocabulary (Uitwisselmodel): the words the national
monitor uses, in one place. Partner types, contact types, outcomes and the
statuses a signal has for its partner."""
from __future__ import annotations

# EnumSignaalpartner: our partner types and their DDAS names.
DDAS_PARTNER_TYPE = {
    "housing": "Huur",
    "energy": "Energie",
    "water": "Water",
    "health_insurance": "Zorg",
    "mortgage": "Hypotheek",
    "other": "Overige",
}
PARTNER_TYPES = frozenset(DDAS_PARTNER_TYPE)

# EnumContactsoort
CONTACT_TYPES = ("Mail", "Brief", "SMS/Whatsapp", "Telefoon", "Huisbezoek", "Kaartje", "Overige", "Administratief")
PARTS_OF_DAY = ("Ochtend", "Middag", "Avond")

# EnumEindresultaat
OUTCOMES = (
    "Niet opgepakt: herhaalde melding", "Niet opgepakt: onterecht signaal",
    "Inwoner is overleden", "Persoon is geen inwoner (meer) in de gemeente",
    "Niet opgepakt: andere reden", "Inwoner al bekend bij schuldhulpverlening",
    "Inwoner heeft al een ander lopend traject", "Definitief geen contact kunnen krijgen",
    "Geen reactie na eerder contact", "Inwoner hoeft geen hulp vanuit vroegsignalering",
    "Inwoner heeft zelf al betaald/betalingsregeling getroffen",
    "(Budget)advies en/of quick fix", "Vervolghulp en/of verwijzing financieel",
    "Verwijzing zonder contact", "Vervolghulp en/of verwijzing niet financieel",
)
# The outcomes that say the case was never picked up (a signal's DDAS status).
NOT_PICKED_UP_OUTCOMES = tuple(o for o in OUTCOMES if o.startswith("Niet opgepakt"))
SIGNAL_STATUS_NOT_PICKED_UP = "Nog niet opgepakt"

# What a partner sees of its signal (signals-api.md): the status of the signal's case.
RECEIVED, IN_PROGRESS, CLOSED = "received", "in_progress", "closed"
PARTNER_STATUSES = (RECEIVED, IN_PROGRESS, CLOSED)
