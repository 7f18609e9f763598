"""Column names as people read them: the words of a name, and a readable label.

Exports name columns for machines ("customerID", "MonthlyCharges", "tenure_months"); pages
show them as labels ("Customer ID", "Monthly charges", "Tenure months"). A spec's own labels
win (``[data.labels]``); these are the fallback, and the first draft of an upload's labels.
"""

from __future__ import annotations

import re

# Short words that are read letter by letter, shown in capitals wherever they appear.
INITIALISMS = {"id", "ids", "url", "uuid", "ip", "sms", "kyc", "ltv", "cac", "roi", "vat", "usd", "eur", "gbp",
               "api", "crm", "b2b", "b2c", "nps", "arr", "mrr", "cpc", "ctr", "sku", "iban", "gdp", "hr", "it"}
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_ACRONYM_THEN_WORD = re.compile(r"([A-Z]+)([A-Z][a-z])")
_MACHINE_NAME = re.compile(r"[A-Za-z0-9_.\-]+")


def words_of(name: object) -> list[str]:
    """The words of a column name, lower case: "customerID" -> ["customer", "id"].

    >>> words_of("MonthlyCharges"), words_of("support_tickets_90d"), words_of("KYCStatus")
    (['monthly', 'charges'], ['support', 'tickets', '90d'], ['kyc', 'status'])
    """
    return [w.lower() for w in _split(str(name))]


def _split(name: str) -> list[str]:
    spaced = _CAMEL.sub(r"\1 \2", name)
    spaced = _ACRONYM_THEN_WORD.sub(r"\1 \2", spaced)
    return [w for w in re.split(r"[^0-9a-zA-Z]+", spaced) if w]


def readable_name(name: object) -> str:
    """A label for a column name: "customerID" -> "Customer ID", "MonthlyCharges" ->
    "Monthly charges", "tenure_months" -> "Tenure months".

    A name that already reads as words (spaces, brackets, accents: "Umsatz (€)", "Account
    ID") is kept as it is, only its first letter raised.

    >>> [readable_name(n) for n in ("customerID", "MonthlyCharges", "SeniorCitizen", "txn_last_24h", "y")]
    ['Customer ID', 'Monthly charges', 'Senior citizen', 'Txn last 24h', 'Y']
    >>> readable_name("Umsatz (€)"), readable_name("Account ID"), readable_name("KYCStatus")
    ('Umsatz (€)', 'Account ID', 'KYC status')
    """
    text = str(name).strip()
    if not text:
        return text
    if not _MACHINE_NAME.fullmatch(text):
        return text[:1].upper() + text[1:]
    words = []
    for index, word in enumerate(_split(text)):
        if word.lower() in INITIALISMS or (len(word) > 1 and word.isupper() and word.isalpha()):
            words.append(word.upper())
        elif index == 0:
            words.append(word[:1].upper() + word[1:].lower())
        else:
            words.append(word.lower())
    return " ".join(words) or text
