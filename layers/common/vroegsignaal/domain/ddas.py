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

# EnumSignaalstatus: a signal's status in the delivery follows its case.
SIGNAL_STATUSES = (
    SIGNAL_STATUS_NOT_PICKED_UP, "Niet opgepakt: onterecht signaal", "Inwoner is overleden",
    "Persoon is geen inwoner (meer) in de gemeente", "Niet opgepakt: herhaalde melding",
    "Niet opgepakt: andere reden",
)


def signal_status(*, picked_up: bool, closed: bool, outcome: str | None) -> str | None:
    """municipality-api.md, "DDAS export": `Nog niet opgepakt` while the case is not picked
    up, the outcome when it closed with one the status list holds, absent (None) once
    picked up, and absent for an unpicked case closed with another outcome (it is
    neither waiting nor one of the listed reasons)."""
    if picked_up:
        return None
    if not closed:
        return SIGNAL_STATUS_NOT_PICKED_UP
    return outcome if outcome in SIGNAL_STATUSES else None
