"""Realistic, fictitious demo signals: several partners, shared addresses,
young and old debtors, high and low amounts, and a few invalid ones."""
from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

LAST_NAMES = ["de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
              "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit",
              "Dijkstra", "Smits", "de Graaf", "van der Meer", "Kok", "Jacobs", "Yilmaz", "El Amrani", "Kaya",
              "Haddou", "Nguyen", "Rodrigues", "van Dijk", "Willems", "Schouten", "Kuipers", "Verhoeven"]
TOWNS = {
    "GM0632": ("Woerden", ["Rijnstraat", "Molenstraat", "Hoge Woerd", "Jozef Israëlslaan", "Steinhagenseweg",
                            "Rembrandtlaan", "Boerendijk", "Tournoysveld", "Vlietkade", "Leidsestraatweg"],
               range(3441, 3449)),
    "GM0344": ("Utrecht", ["Amsterdamsestraatweg", "Kanaalweg", "Vleutenseweg", "Oudegracht", "Biltstraat",
                            "Marco Pololaan", "Overvecht-Noord", "Zuilenselaan", "Kardinaal de Jongweg"],
               range(3511, 3585)),
}
PARTNERS = {"energy": "energie-noord", "housing": "woonstede", "water": "waterbedrijf-midden",
            "health_insurance": "zorgverzekeraar-zuid"}


def _bsn(rng: random.Random) -> str:
    """A random number that passes the eleven test (fictitious)."""
    while True:
        digits = [rng.randint(0, 9) for _ in range(8)]
        total = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True))
        for last in range(10):
            if (total - last) % 11 == 0 and digits[0] != 0:
                return "".join(map(str, digits + [last]))


def _split_name(full: str) -> tuple[str | None, str]:
    parts = full.split(" ")
    prefix = " ".join(p for p in parts[:-1] if p.islower()) or None
    return prefix, parts[-1] if prefix else full


def demo_signals(today: date, *, households_per_municipality: int = 108, seed: int = 2026) -> dict[str, list[dict]]:
    """Signals per partner id, as each partner would send its batch."""
    rng = random.Random(seed)
    by_partner: dict[str, list[dict[str, Any]]] = {p: [] for p in PARTNERS.values()}
    counter = 0
    for code, (town, streets, postcode_numbers) in TOWNS.items():
        for _ in range(households_per_municipality):
            postcode = f"{rng.choice(postcode_numbers)}{rng.choice('ABCDEFGHJKLMNPRSTVWXZ')}{rng.choice('ABCDEGHJKLMNPRSTVXZ')}"
            address = {"street": rng.choice(streets), "house_number": rng.randint(1, 250), "postcode": postcode,
                       "city": town}
            if rng.random() < 0.15:
                address["house_number_suffix"] = rng.choice(["A", "B", "bis", "2"])
            prefix, last_name = _split_name(rng.choice(LAST_NAMES))
            young = rng.random() < 0.18
            born = today - timedelta(days=rng.randint(18 * 365 + 10, 26 * 365) if young
                                     else rng.randint(28 * 365, 85 * 365))
            debtor = {"initials": f"{rng.choice('ABCDEFGHJKLMNPRSTW')}.", "last_name": last_name,
                      "date_of_birth": born.isoformat(), "gender": rng.choice("MFX" if rng.random() < 0.05 else "MF"),
                      "bsn": _bsn(rng), "address": address}
            if prefix:
                debtor["prefix"] = prefix
            if rng.random() < 0.6:
                debtor["phone"] = f"06{rng.randint(1, 5)}{rng.randint(0, 9999999):07d}"  # 061-065: mobile ranges
            if rng.random() < 0.4:
                debtor["email"] = f"{last_name.lower().replace(' ', '')}{rng.randint(1, 99)}@example.nl"
            # Most households have one partner's signal; some have two or three.
            how_many = rng.choices([1, 2, 3], weights=[70, 24, 6])[0]
            for partner_type in rng.sample(list(PARTNERS), how_many):
                counter += 1
                signal_date = today - timedelta(days=rng.randint(0, 20))
                high = rng.random() < 0.1
                amount = rng.randint(1000, 4800) if high else rng.choice([rng.randint(20, 49), rng.randint(50, 950)])
                signal = {
                    "reference": f"{partner_type[:2].upper()}-{today.year}-{counter:06d}",
                    "municipality_code": code,
                    "signal_date": signal_date.isoformat(),
                    "arrears_since": (signal_date - timedelta(days=rng.randint(30, 120))).isoformat(),
                    "amount": f"{amount}.{rng.randint(0, 99):02d}",
                    "customer_number": str(rng.randint(10 ** 8, 10 ** 9 - 1)),
                    "crisis": rng.random() < 0.03,
                    "warm_transfer": rng.random() < 0.05,
                    "debtor": debtor,
                }
                if partner_type in ("energy", "water") and rng.random() < 0.04:
                    signal["supply_ending"] = True
                by_partner[PARTNERS[partner_type]].append(signal)
    _add_invalid(by_partner, today)
    return by_partner


def _add_invalid(by_partner: dict[str, list[dict]], today: date) -> None:
    """A few signals a real partner gets wrong, each for its own reason."""
    template = by_partner["energie-noord"][0]

    def bad(reference: str, **changes: Any) -> dict[str, Any]:
        signal = {**template, "reference": reference, "debtor": {**template["debtor"],
                                                                 "address": dict(template["debtor"]["address"])}}
        for key, value in changes.items():
            if key.startswith("debtor."):
                signal["debtor"][key.split(".", 1)[1]] = value
            elif key.startswith("address."):
                signal["debtor"]["address"][key.split(".", 1)[1]] = value
            else:
                signal[key] = value
        return signal

    by_partner["energie-noord"] += [
        bad("EN-BAD-POSTCODE", **{"address.postcode": "344 AB"}),
        bad("EN-BAD-BSN", **{"debtor.bsn": "123456789"}),
        bad("EN-FUTURE", signal_date=(today + timedelta(days=3)).isoformat()),
    ]
    by_partner["woonstede"] += [
        bad("WS-SUPPLY", supply_ending=True),
        bad("WS-AMOUNT", amount="0.00"),
        bad("WS-TYPO", amuont="12.00"),
    ]
