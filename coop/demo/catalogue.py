"""What the demo neighbourhood works at: skills, kinds of local business, and the jobs they post.

Demo content in Dutch (what a Utrecht coop would type in), with English skill names because
skills are bilingual data. Job categories are keys of the rulebook's `member_wage_hourly` table;
a template whose category a coop's rulebook lacks falls back to "default" when seeding.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class SkillSpec:
    slug: str
    name_nl: str
    name_en: str
    certificate_name: str = ""
    # How long a certificate stays valid after it was obtained (years); 0 = no certificate.
    valid_years: int = 0
    # Share of working members who have this skill.
    prevalence: float = 0.2

    @property
    def requires_certificate(self) -> bool:
        return bool(self.certificate_name)


SKILLS: tuple[SkillSpec, ...] = (
    SkillSpec("schoonmaak", "Schoonmaak", "Cleaning", prevalence=0.45),
    SkillSpec("bediening", "Bediening (horeca)", "Waiting tables (hospitality)", prevalence=0.22),
    SkillSpec("keukenhulp", "Keukenhulp", "Kitchen help", prevalence=0.25),
    SkillSpec("kassawerk", "Kassawerk en winkel", "Checkout and shop work (retail)", prevalence=0.3),
    SkillSpec("vakkenvullen", "Vakkenvullen", "Shelf stacking", prevalence=0.35),
    SkillSpec("magazijn", "Magazijnwerk", "Warehouse work (logistics)", prevalence=0.2),
    SkillSpec("fietsbezorging", "Bezorging op de fiets", "Bicycle delivery", prevalence=0.2),
    SkillSpec("klusjes", "Klusjes en onderhoud", "Odd jobs and maintenance", prevalence=0.18),
    SkillSpec("tuinonderhoud", "Tuinonderhoud en groen", "Gardening and green maintenance", prevalence=0.15),
    SkillSpec("ouderenhulp", "Hulp aan ouderen", "Help for older people (care)", prevalence=0.15),
    SkillSpec("evenementen", "Op- en afbouw evenementen", "Event set-up and take-down", prevalence=0.12),
    # Work with children needs a VOG (certificate of conduct); schools ask for one not older than
    # a few years, so it is modelled as an expiring certificate. Only a few members have one.
    SkillSpec(
        "kinderoppas",
        "Kinderopvang en overblijf",
        "Childcare and lunch supervision",
        "VOG (Verklaring Omtrent het Gedrag)",
        3,
        prevalence=0.05,
    ),
    SkillSpec("vca", "VCA Basisveiligheid", "VCA basic safety", "VCA Basis", 10, prevalence=0.12),
    SkillSpec(
        "haccp", "Hygiënecode voedsel (HACCP)", "Food hygiene (HACCP)", "Hygiënecode / HACCP", 5, prevalence=0.15
    ),
    SkillSpec(
        "bhv",
        "BHV (bedrijfshulpverlening)",
        "First aid and emergency response (BHV)",
        "BHV-certificaat",
        1,
        prevalence=0.1,
    ),
)


@dataclass(frozen=True)
class JobTemplate:
    title: str
    category: str
    description: str
    skills: tuple[str, ...]
    # Time windows a shift of this job may take (start, end).
    windows: tuple[tuple[dt.time, dt.time], ...]
    # Weekdays the job runs on (0 = Monday); a job takes one to `days_per_week` of them.
    weekdays: tuple[int, ...]
    days_per_week: int = 2
    seats: tuple[int, int] = (1, 2)
    language: str = ""


def _t(hhmm: str) -> dt.time:
    hours, minutes = hhmm.split(":")
    return dt.time(int(hours), int(minutes))


def _w(*pairs: str) -> tuple[tuple[dt.time, dt.time], ...]:
    return tuple((_t(p.split("-")[0]), _t(p.split("-")[1])) for p in pairs)


WEEKDAYS = (0, 1, 2, 3, 4)
ALL_DAYS = (0, 1, 2, 3, 4, 5, 6)
MON_SAT = (0, 1, 2, 3, 4, 5)


@dataclass(frozen=True)
class BusinessKind:
    key: str
    weight: float
    # Name patterns; {last} is a surname, {street} a street of the neighbourhood, {hood} its name.
    names: tuple[str, ...]
    legal_suffix: tuple[str, ...]
    jobs: tuple[JobTemplate, ...]
    # Chance that a business of this kind works with both coops.
    both_coops: float = 0.0
    # Whether a member could plausibly run this business themselves.
    member_run: bool = False


BUSINESS_KINDS: tuple[BusinessKind, ...] = (
    BusinessKind(
        "bakkerij",
        0.08,
        ("Bakkerij {last}", "Bakkerij De {hood}bakker", "Warme Bakker {last}", "Bakkerij Het Korenschoof"),
        ("V.O.F.", "B.V."),
        (
            JobTemplate(
                "Verkoop in de bakkerij",
                "retail",
                "Klanten helpen, brood snijden en afrekenen.",
                ("kassawerk",),
                _w("07:30-12:30", "12:30-17:30"),
                MON_SAT,
                3,
            ),
            JobTemplate(
                "Hulp in de bakkerij",
                "hospitality",
                "Deeg afwegen, bakplaten klaarzetten en schoonmaken.",
                ("keukenhulp", "haccp"),
                _w("06:00-10:00", "08:00-12:00"),
                MON_SAT,
                2,
            ),
        ),
        member_run=True,
    ),
    BusinessKind(
        "supermarkt",
        0.08,
        ("Supermarkt {last}", "Buurtsuper {hood}", "Mediterrane Supermarkt {last}", "Versmarkt {last}"),
        ("B.V.", "V.O.F."),
        (
            JobTemplate(
                "Vakkenvullen",
                "retail",
                "Vakken vullen en de winkel netjes houden.",
                ("vakkenvullen",),
                _w("07:00-11:00", "18:00-22:00"),
                ALL_DAYS,
                3,
                (1, 3),
            ),
            JobTemplate(
                "Kassawerk",
                "retail",
                "Afrekenen aan de kassa en klanten helpen.",
                ("kassawerk",),
                _w("09:00-14:00", "14:00-19:00"),
                MON_SAT,
                3,
                (1, 2),
            ),
            JobTemplate(
                "Hulp in het magazijn",
                "logistics",
                "Leveringen uitpakken en het magazijn bijhouden.",
                ("magazijn",),
                _w("06:00-10:00", "13:00-17:00"),
                WEEKDAYS,
                2,
            ),
        ),
        both_coops=0.25,
    ),
    BusinessKind(
        "kapper",
        0.06,
        ("Kapsalon {last}", "Barbershop {last}", "Kapsalon De Schaar"),
        ("", "V.O.F."),
        (
            JobTemplate(
                "Salon schoonhouden en klanten ontvangen",
                "cleaning",
                "Vegen, handdoeken wassen, koffie zetten voor klanten.",
                ("schoonmaak",),
                _w("10:00-14:00", "14:00-18:00"),
                (1, 2, 3, 4, 5),
                2,
            ),
        ),
        member_run=True,
    ),
    BusinessKind(
        "schoonmaakbedrijf",
        0.08,
        ("Schoonmaakbedrijf {last}", "{last} Schoonmaakdiensten", "Glans Schoonmaak Utrecht"),
        ("B.V.",),
        (
            JobTemplate(
                "Kantoorschoonmaak",
                "cleaning",
                "Kantoren schoonmaken na werktijd.",
                ("schoonmaak",),
                _w("17:30-20:30", "18:00-21:00", "06:00-09:00"),
                WEEKDAYS,
                3,
                (1, 3),
            ),
            JobTemplate(
                "Trappenhuizen schoonmaken",
                "cleaning",
                "Trappenhuizen en portieken van flats.",
                ("schoonmaak",),
                _w("09:00-13:00", "13:00-17:00"),
                WEEKDAYS,
                2,
                (2, 3),
            ),
        ),
        both_coops=0.2,
        member_run=True,
    ),
    BusinessKind(
        "buurthuis",
        0.06,
        ("Buurthuis {street}", "Wijkcentrum {hood}", "Buurtcentrum Het Kanaal", "Buurthuis De Ontmoeting"),
        ("Stichting",),
        (
            JobTemplate(
                "Gastvrouw of gastheer in het buurthuis",
                "hospitality",
                "Bezoekers ontvangen, koffie en thee, de zaal klaarzetten.",
                ("bediening",),
                _w("09:00-13:00", "13:00-17:00", "18:00-22:00"),
                MON_SAT,
                3,
            ),
            JobTemplate(
                "Koken voor de buurtmaaltijd",
                "hospitality",
                "Samen koken voor 40 buurtbewoners; de maaltijd kost 4 euro.",
                ("keukenhulp", "haccp"),
                _w(
                    "14:00-19:00",
                ),
                (2, 4),
                1,
                (2, 3),
            ),
        ),
    ),
    BusinessKind(
        "zorginstelling",
        0.07,
        ("Woonzorgcentrum {street}", "Zorgcentrum De Rosmolen", "Thuiszorg {hood}", "Woonzorg Het Zonnehuis"),
        ("Stichting",),
        (
            JobTemplate(
                "Gezelschap en wandelen met bewoners",
                "care",
                "Een praatje, een wandeling, samen de krant lezen. Geen verpleegkundige zorg.",
                ("ouderenhulp",),
                _w("10:00-13:00", "14:00-17:00"),
                ALL_DAYS,
                3,
                (1, 2),
            ),
            JobTemplate(
                "Maaltijdronde",
                "care",
                "Maaltijden rondbrengen en afruimen op de afdeling.",
                ("ouderenhulp", "haccp"),
                _w("11:30-14:30", "16:30-19:30"),
                ALL_DAYS,
                3,
                (1, 2),
            ),
            JobTemplate(
                "Hulp bij boodschappen voor ouderen",
                "care",
                "Boodschappen doen met of voor ouderen die thuis wonen.",
                ("ouderenhulp",),
                _w(
                    "09:30-12:30",
                ),
                WEEKDAYS,
                2,
                (1, 1),
                "ar",
            ),
        ),
        both_coops=0.3,
    ),
    BusinessKind(
        "fietsenmaker",
        0.05,
        ("Fietsenmaker {last}", "Rijwielhandel {last}", "De Fietsdokter {hood}"),
        ("", "V.O.F."),
        (
            JobTemplate(
                "Hulp in de fietsenwerkplaats",
                "maintenance",
                "Banden plakken, kettingen smeren, fietsen poetsen.",
                ("klusjes",),
                _w("09:00-13:00", "13:00-17:30"),
                MON_SAT,
                2,
            ),
            JobTemplate(
                "Fietsen bezorgen",
                "logistics",
                "Gerepareerde fietsen terugbrengen bij klanten.",
                ("fietsbezorging",),
                _w(
                    "15:00-18:00",
                ),
                WEEKDAYS,
                2,
                (1, 1),
            ),
        ),
        member_run=True,
    ),
    BusinessKind(
        "restaurant",
        0.09,
        ("Restaurant {last}", "Grillroom {last}", "Eetcafé {street}", "Lunchroom Het Kanaal", "Pizzeria Napoli"),
        ("V.O.F.", "B.V."),
        (
            JobTemplate(
                "Bediening",
                "hospitality",
                "Bestellingen opnemen, serveren en afrekenen.",
                ("bediening",),
                _w("11:30-15:30", "17:00-22:00"),
                (2, 3, 4, 5, 6),
                3,
                (1, 2),
            ),
            JobTemplate(
                "Keukenhulp en afwas",
                "hospitality",
                "Groenten snijden, afwassen, keuken schoonhouden.",
                ("keukenhulp", "haccp"),
                _w("16:00-22:00", "10:00-15:00"),
                (2, 3, 4, 5, 6),
                3,
            ),
        ),
        member_run=True,
    ),
    BusinessKind(
        "moskee",
        0.02,
        ("Stichting Islamitisch Centrum {hood}", "Stichting Moskee {hood}"),
        ("Stichting",),
        (
            JobTemplate(
                "Schoonmaak van zalen en leslokalen",
                "cleaning",
                "De zalen, leslokalen en de keuken van het centrum schoonmaken.",
                ("schoonmaak",),
                _w("09:00-12:00", "13:00-16:00"),
                WEEKDAYS,
                2,
            ),
            JobTemplate(
                "Op- en afbouw buurtbijeenkomsten",
                "default",
                "Tafels en stoelen klaarzetten voor open dagen en buurtmaaltijden.",
                ("evenementen",),
                _w(
                    "16:00-20:00",
                ),
                (4, 5, 6),
                1,
                (2, 4),
            ),
        ),
    ),
    BusinessKind(
        "school",
        0.05,
        ("Basisschool De Kameleon", "Basisschool De Regenboog", "Basisschool Het Mozaïek", "Brede School {hood}"),
        ("Stichting",),
        (
            JobTemplate(
                "Overblijfkracht (tussen de middag)",
                "care",
                "Toezicht houden bij de lunch en op het schoolplein. VOG nodig.",
                ("kinderoppas",),
                _w(
                    "11:45-13:15",
                ),
                WEEKDAYS,
                3,
                (1, 2),
            ),
            JobTemplate(
                "Schoolplein en tuin bijhouden",
                "maintenance",
                "Onkruid wieden, vegen, kleine reparaties.",
                ("tuinonderhoud",),
                _w(
                    "13:00-16:00",
                ),
                (2, 4),
                1,
            ),
        ),
    ),
    BusinessKind(
        "woningcorporatie",
        0.03,
        ("Woningstichting Het Kanaal", "Wooncorporatie {hood} Wonen", "Stichting Thuis in {hood}"),
        ("Stichting",),
        (
            JobTemplate(
                "Groenonderhoud rond de flats",
                "maintenance",
                "Perken bijhouden, blad ruimen, zwerfafval prikken.",
                ("tuinonderhoud",),
                _w("08:30-12:30", "13:00-16:30"),
                WEEKDAYS,
                2,
                (2, 3),
            ),
            JobTemplate(
                "Klusjes in complexen",
                "maintenance",
                "Lampen vervangen, kleine reparaties in algemene ruimtes.",
                ("klusjes", "vca"),
                _w("08:00-12:00", "12:30-16:30"),
                WEEKDAYS,
                2,
                (1, 2),
            ),
            JobTemplate(
                "Trappenhuizen schoonmaken",
                "cleaning",
                "Portieken en trappenhuizen schoonmaken.",
                ("schoonmaak",),
                _w(
                    "08:00-12:00",
                ),
                WEEKDAYS,
                2,
                (1, 2),
            ),
        ),
        both_coops=0.6,
    ),
    BusinessKind(
        "bouwbedrijf",
        0.04,
        ("Bouwbedrijf {last}", "{last} Renovatie", "Klusbedrijf {last}"),
        ("B.V.", ""),
        (
            JobTemplate(
                "Opperman op de bouwplaats",
                "maintenance",
                "Materiaal aangeven, bouwplaats opruimen.",
                ("vca",),
                _w("07:30-16:00", "07:00-12:00"),
                WEEKDAYS,
                3,
                (1, 2),
            ),
        ),
        member_run=True,
    ),
    BusinessKind(
        "bezorging",
        0.06,
        ("Fietskoeriers {hood}", "Buurtbezorgers {hood}", "Groentekar {last}"),
        ("B.V.", "Coöperatie U.A."),
        (
            JobTemplate(
                "Boodschappen bezorgen op de bakfiets",
                "logistics",
                "Bestellingen van winkels in de wijk bezorgen met de elektrische bakfiets.",
                ("fietsbezorging",),
                _w("10:00-14:00", "16:00-20:00"),
                MON_SAT,
                3,
                (1, 3),
            ),
            JobTemplate(
                "Orders verzamelen",
                "logistics",
                "Bestellingen inpakken in het buurtmagazijn.",
                ("magazijn",),
                _w("08:00-12:00", "14:00-18:00"),
                MON_SAT,
                2,
            ),
        ),
        both_coops=0.3,
    ),
    BusinessKind(
        "markt",
        0.04,
        ("Groente en Fruit {last}", "Kaashandel {last}", "Marktkraam {last}"),
        ("", "V.O.F."),
        (
            JobTemplate(
                "Verkoop op de markt",
                "retail",
                "Kraam opbouwen, verkopen en afbouwen.",
                ("kassawerk",),
                _w("08:00-13:00", "12:00-17:30"),
                (2, 5),
                2,
                (1, 2),
            ),
        ),
        member_run=True,
    ),
    BusinessKind(
        "sportvereniging",
        0.04,
        ("Voetbalvereniging {hood}", "Sportvereniging {hood}", "Zwemvereniging De Dolfijn"),
        ("Vereniging",),
        (
            JobTemplate(
                "Kantinedienst",
                "hospitality",
                "Bar en kantine bij trainingen en wedstrijden.",
                ("bediening", "bhv"),
                _w("18:00-22:00", "09:00-14:00"),
                (1, 3, 5, 6),
                2,
                (1, 2),
            ),
            JobTemplate(
                "Velden en kleedkamers schoonhouden",
                "cleaning",
                "Kleedkamers schoonmaken, velden opruimen.",
                ("schoonmaak",),
                _w(
                    "09:00-12:00",
                ),
                (0, 2, 4),
                2,
            ),
        ),
        both_coops=0.2,
    ),
    BusinessKind(
        "evenementen",
        0.03,
        ("Utrecht Festival Crew", "Evenementenbureau {last}", "Stichting Wijkfeest {hood}"),
        ("B.V.", "Stichting"),
        (
            JobTemplate(
                "Op- en afbouw evenement",
                "default",
                "Hekken, tenten en podia op- en afbouwen.",
                ("evenementen", "vca"),
                _w("08:00-16:00", "16:00-23:00"),
                (4, 5, 6),
                2,
                (2, 4),
            ),
        ),
        both_coops=0.5,
    ),
    BusinessKind(
        "kinderboerderij",
        0.02,
        ("Kinderboerderij {hood}", "Stadsboerderij De Koppel", "Buurttuin {street}", "Moestuin {hood}"),
        ("Stichting",),
        (
            JobTemplate(
                "Dieren verzorgen en tuinwerk",
                "maintenance",
                "Hokken uitmesten, voeren, moestuin bijhouden.",
                ("tuinonderhoud",),
                _w("08:30-12:30", "13:00-17:00"),
                ALL_DAYS,
                2,
            ),
        ),
    ),
)

# The demo business that the demo business contact runs: it gets a fixed name, two jobs from the
# bakery kind and hours waiting for approval.
DEMO_BUSINESS = {
    "kind": "bakkerij",
    "legal_name": "Bakkerij De Kanaalbakker V.O.F.",
    "trade_name": "Bakkerij De Kanaalbakker",
    "street": "Columbuslaan 14",
    "postcode": "3526EP",
}

# Reasons a business gives when it corrects hours, and members when they disagree.
CORRECTION_REASONS = (
    "Een half uur eerder gestopt, zie rooster.",
    "Pauze van 30 minuten vergeten te noteren.",
    "Later begonnen omdat de levering laat was.",
)
DISPUTE_REASONS = (
    "Ik ben tot het einde gebleven; vraag het aan de teamleider.",
    "Ik heb geen pauze gehad die dag.",
)
NOT_DONE_REASONS = ("Niet verschenen, geen bericht ontvangen.",)
HAND_ASSIGN_REASONS = (
    "Vaste kracht van deze opdrachtgever, met de hand ingepland.",
    "Op verzoek van het lid ingepland aan de balie.",
    "Spoedklus: telefonisch geregeld.",
)
CANCEL_REASONS = ("Winkel dicht wegens verbouwing.", "Evenement afgelast door het weer.")
CONSENT_NOTES = (
    "Mondeling toestemming gegeven aan de balie; formulier getekend.",
    "Toestemming gegeven in het bijzijn van een tolk.",
    "Schriftelijke toestemming, kopie in het dossier.",
)
