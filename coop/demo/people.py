"""Residents of the demo neighbourhoods: names, languages and e-mail addresses.

Kanaleneiland is one of Utrecht's most mixed neighbourhoods: many Moroccan-Dutch and Turkish-Dutch
families, newer Syrian and Eritrean residents, Polish and Ukrainian workers, Dutch households
old and young; Lunetten is mostly Dutch. The names below are common, ordinary names written the
way they appear on Dutch documents (Latin script, as transliterated there). Dutch and Polish
names come from Faker (nl_NL, pl_PL); Faker's tr_TR first names are mostly rare literary names,
so Turkish first names are listed here and only surnames come from Faker.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

from faker import Faker


@dataclass(frozen=True)
class Origin:
    key: str
    first_female: tuple[str, ...]
    first_male: tuple[str, ...]
    last: tuple[str, ...]
    # (language codes, weight): languages spoken, as members.models.Language values.
    language_sets: tuple[tuple[tuple[str, ...], float], ...]
    # Share of this group preferring the English site over the Dutch one.
    prefers_english: float = 0.0
    faker_locale: str = ""


ORIGINS: dict[str, Origin] = {
    o.key: o
    for o in (
        Origin(
            "dutch",
            (),
            (),
            (),
            ((("nl",), 0.35), (("nl", "en"), 0.55), (("nl", "en", "fr"), 0.05), (("nl", "en", "es"), 0.05)),
            faker_locale="nl_NL",
        ),
        Origin(
            "moroccan",
            (
                "Fatima",
                "Khadija",
                "Samira",
                "Naima",
                "Nadia",
                "Imane",
                "Hafsa",
                "Salma",
                "Malika",
                "Loubna",
                "Meryem",
                "Rachida",
                "Siham",
                "Yasmina",
                "Zineb",
                "Souad",
                "Hanan",
                "Karima",
                "Najat",
                "Ikram",
                "Soumaya",
                "Houda",
                "Asmae",
                "Nora",
            ),
            (
                "Mohamed",
                "Ahmed",
                "Youssef",
                "Said",
                "Karim",
                "Bilal",
                "Hamza",
                "Ayoub",
                "Mustafa",
                "Rachid",
                "Yassine",
                "Anouar",
                "Ilias",
                "Soufiane",
                "Nordin",
                "Khalid",
                "Hicham",
                "Redouan",
                "Adil",
                "Abdelkader",
                "Mimoun",
                "Othman",
                "Zakaria",
                "Ismail",
            ),
            (
                "El Amrani",
                "Bouzid",
                "El Idrissi",
                "Boukhari",
                "Azzouzi",
                "El Khatib",
                "Benali",
                "Ouali",
                "Ziani",
                "El Yaacoubi",
                "Amrani",
                "Bakkali",
                "Haddouchi",
                "Tahiri",
                "El Hamdaoui",
                "Abdellaoui",
                "Mansouri",
                "Kaddouri",
                "Ouahabi",
                "El Ouardi",
                "Belhaj",
                "Lamrabet",
                "Zaoui",
                "Akachar",
                "Amezian",
                "Aouragh",
                "El Bouchtili",
                "Harrach",
                "Chaouch",
                "Ait Hamou",
            ),
            ((("nl", "ar"), 0.45), (("nl", "ber"), 0.25), (("nl", "ar", "ber"), 0.2), (("nl", "ar", "fr"), 0.1)),
        ),
        Origin(
            "turkish",
            (
                "Ayşe",
                "Fatma",
                "Emine",
                "Hatice",
                "Zeynep",
                "Elif",
                "Merve",
                "Büşra",
                "Esra",
                "Derya",
                "Sevgi",
                "Gül",
                "Özlem",
                "Songül",
                "Tuba",
                "Kübra",
                "Dilek",
                "Nurcan",
                "Sibel",
                "Yasemin",
            ),
            (
                "Mehmet",
                "Mustafa",
                "Ahmet",
                "Ali",
                "Hüseyin",
                "Hasan",
                "İbrahim",
                "Murat",
                "Emre",
                "Burak",
                "Kemal",
                "Yusuf",
                "Ömer",
                "Serkan",
                "Erdem",
                "Cem",
                "Okan",
                "Selim",
                "Volkan",
                "Enes",
            ),
            (),
            ((("nl", "tr"), 0.8), (("nl", "tr", "en"), 0.15), (("tr",), 0.05)),
            faker_locale="tr_TR",
        ),
        Origin(
            "syrian",
            (
                "Rama",
                "Lina",
                "Hiba",
                "Nour",
                "Rasha",
                "Dima",
                "Sara",
                "Aya",
                "Reem",
                "Ghada",
                "Amal",
                "Rana",
                "Lama",
                "Hala",
            ),
            (
                "Mohammad",
                "Ahmad",
                "Omar",
                "Khaled",
                "Ali",
                "Hussam",
                "Rami",
                "Fadi",
                "Tarek",
                "Mazen",
                "Yazan",
                "Samer",
                "Majd",
                "Anas",
            ),
            (
                "Haddad",
                "Khalil",
                "Al-Ahmad",
                "Al-Halabi",
                "Darwish",
                "Kassab",
                "Shaker",
                "Al-Hussein",
                "Mahmoud",
                "Saleh",
                "Hamdan",
                "Al-Khatib",
                "Hamwi",
                "Sabbagh",
                "Al-Masri",
                "Kurdi",
            ),
            ((("ar", "nl"), 0.55), (("ar",), 0.15), (("ar", "en"), 0.2), (("ar", "nl", "en"), 0.1)),
            prefers_english=0.2,
        ),
        Origin(
            "eritrean",
            (
                "Helen",
                "Senait",
                "Saba",
                "Selam",
                "Luwam",
                "Rahel",
                "Winta",
                "Feven",
                "Hiwet",
                "Semhar",
                "Yordanos",
                "Mebrat",
            ),
            (
                "Yonas",
                "Dawit",
                "Yohannes",
                "Tesfay",
                "Filmon",
                "Samuel",
                "Habtom",
                "Kibrom",
                "Mebrahtu",
                "Amanuel",
                "Robel",
                "Natnael",
            ),
            (
                "Tesfamariam",
                "Gebremedhin",
                "Haile",
                "Kidane",
                "Tekle",
                "Berhane",
                "Weldemichael",
                "Abraha",
                "Mehari",
                "Ghebremichael",
                "Tesfay",
                "Habte",
                "Andemariam",
                "Yemane",
            ),
            ((("ti", "nl"), 0.5), (("ti",), 0.15), (("ti", "en"), 0.2), (("ti", "ar", "nl"), 0.15)),
            prefers_english=0.25,
        ),
        Origin(
            "polish",
            (),
            (),
            (),
            ((("pl", "nl"), 0.35), (("pl", "en"), 0.45), (("pl",), 0.2)),
            prefers_english=0.45,
            faker_locale="pl_PL",
        ),
        Origin(
            "somali",
            ("Hodan", "Ayaan", "Fadumo", "Hawa", "Sahra", "Amina", "Ifrah", "Nasra", "Ubah", "Deeqa"),
            ("Abdi", "Mohamed", "Abdirahman", "Hassan", "Abdullahi", "Ismail", "Yusuf", "Liban", "Mahad", "Omar"),
            ("Ali", "Mohamed", "Hassan", "Warsame", "Farah", "Abdi", "Osman", "Jama", "Aden", "Egal", "Dirie"),
            ((("so", "nl"), 0.7), (("so", "nl", "en"), 0.2), (("so", "ar"), 0.1)),
            prefers_english=0.1,
        ),
        Origin(
            "caribbean",
            ("Shanice", "Naomi", "Ruthmila", "Shirley", "Priya", "Sharmila", "Jessica", "Chantal", "Rowena", "Gisela"),
            ("Rigo", "Dwight", "Jermaine", "Giovanni", "Ryan", "Ravi", "Anil", "Edsel", "Glenn", "Ruben"),
            (
                "Martina",
                "Isenia",
                "Koeiman",
                "Rosario",
                "Winklaar",
                "Statia",
                "Cijntje",
                "Pinas",
                "Ramdin",
                "Sewdien",
                "Baldewsingh",
                "Kramer",
                "Lourens",
                "Doelwijt",
            ),
            ((("nl",), 0.45), (("nl", "pap"), 0.3), (("nl", "en"), 0.15), (("nl", "pap", "es"), 0.1)),
        ),
        Origin(
            "ukrainian",
            ("Olena", "Oksana", "Iryna", "Natalia", "Tetiana", "Yulia", "Kateryna", "Svitlana", "Anastasia", "Halyna"),
            ("Andriy", "Dmytro", "Oleksandr", "Serhiy", "Mykola", "Yuriy", "Vasyl", "Bohdan", "Taras", "Ivan"),
            (
                "Kovalenko",
                "Shevchenko",
                "Bondarenko",
                "Melnyk",
                "Tkachenko",
                "Kravchenko",
                "Boyko",
                "Moroz",
                "Lysenko",
                "Savchenko",
                "Rudenko",
                "Marchenko",
            ),
            ((("uk", "en"), 0.5), (("uk",), 0.2), (("uk", "nl", "en"), 0.2), (("uk", "pl"), 0.1)),
            prefers_english=0.6,
        ),
        Origin(
            "other",
            ("Maria", "Ana", "Sofia", "Lucía", "Amira", "Joana", "Elena", "Grace"),
            ("Carlos", "João", "Luca", "Diego", "Samuel", "Kwame", "Tiago", "Marco"),
            ("Garcia", "Silva", "Rossi", "Fernandes", "Mensah", "Pereira", "Costa", "Lopez", "Okafor"),
            ((("es", "en"), 0.3), (("en", "nl"), 0.3), (("fr", "nl"), 0.2), (("en",), 0.2)),
            prefers_english=0.6,
        ),
    )
}

# Letters that do not decompose to ASCII under NFKD.
_ASCII_FOLD = str.maketrans({"ı": "i", "İ": "I", "ł": "l", "Ł": "L", "ß": "ss", "ø": "o", "Ø": "O", "æ": "ae"})


def ascii_fold(text: str) -> str:
    """Lower-case ASCII letters and digits only (for e-mail local parts and slugs)."""
    folded = unicodedata.normalize("NFKD", text.translate(_ASCII_FOLD)).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


@dataclass(frozen=True)
class Person:
    first_name: str
    last_name: str
    origin: str
    languages: tuple[str, ...]
    preferred_language: str


class PersonFactory:
    """Deterministic residents: the same seed gives the same people in the same order."""

    def __init__(self, rng: random.Random, seed: int) -> None:
        self.rng = rng
        self._fakers: dict[str, Faker] = {}
        for locale in sorted({o.faker_locale for o in ORIGINS.values() if o.faker_locale}):
            fake = Faker(locale)
            fake.seed_instance(seed)
            self._fakers[locale] = fake

    def person(self, origin_mix: dict[str, float]) -> Person:
        origin = ORIGINS[self.rng.choices(list(origin_mix), weights=list(origin_mix.values()), k=1)[0]]
        female = self.rng.random() < 0.52
        fake = self._fakers.get(origin.faker_locale)
        if origin.first_female and origin.first_male:
            first = self.rng.choice(origin.first_female if female else origin.first_male)
        else:
            assert fake is not None
            first = fake.first_name_female() if female else fake.first_name_male()
        if origin.last:
            last = self.rng.choice(origin.last)
        else:
            assert fake is not None
            if origin.faker_locale == "pl_PL":
                last = fake.last_name_female() if female else fake.last_name_male()
            else:
                last = fake.last_name()
        languages = self.rng.choices(
            [langs for langs, _ in origin.language_sets], weights=[w for _, w in origin.language_sets], k=1
        )[0]
        # The site speaks Dutch and English; someone with neither gets help at the service desk.
        if "nl" in languages:
            preferred = "en" if "en" in languages and self.rng.random() < origin.prefers_english else "nl"
        else:
            preferred = "en" if "en" in languages else "nl"
        return Person(first, last, origin.key, languages, preferred)


class EmailBook:
    """Unique, readable demo e-mail addresses on reserved example domains (RFC 2606)."""

    def __init__(self, taken: set[str] | None = None) -> None:
        self.taken: set[str] = {e.lower() for e in (taken or set())}

    def claim(self, local: str, domain: str) -> str:
        base = local or "lid"
        candidate = f"{base}@{domain}"
        n = 1
        while candidate in self.taken:
            n += 1
            candidate = f"{base}{n}@{domain}"
        self.taken.add(candidate)
        return candidate

    def for_person(self, first_name: str, last_name: str, domain: str = "example.org") -> str:
        return self.claim(f"{ascii_fold(first_name)}.{ascii_fold(last_name)}", domain)
