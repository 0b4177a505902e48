"""Flag state from an MMSI's Maritime Identification Digits (ITU MID table, common entries)."""

from __future__ import annotations

DPRK_MID = 445

# MID -> ISO 3166 alpha-2, for the flags seen around the Korean peninsula, the usual open
# registries and our fixtures; unknown MIDs give None rather than a guess.
_MIDS: dict[str, tuple[int, ...]] = {
    "KP": (445,),
    "CN": (412, 413, 414),
    "KR": (440, 441),
    "JP": (431, 432),
    "TW": (416,),
    "HK": (477,),
    "MO": (453,),
    "RU": (273,),
    "MN": (457,),
    "VN": (574,),
    "TH": (567,),
    "PH": (548,),
    "ID": (525,),
    "MY": (533,),
    "SG": (563, 564, 565, 566),
    "KH": (514, 515),
    "MM": (506,),
    "BD": (405,),
    "IN": (419,),
    "LK": (417,),
    "PK": (463,),
    "IR": (422,),
    "AE": (470, 471),
    "SA": (403,),
    "QA": (466,),
    "OM": (461,),
    "TR": (271,),
    "PA": (351, 352, 353, 354, 355, 356, 357, 370, 371, 372, 373, 374),
    "LR": (636, 637),
    "MH": (538,),
    "BS": (308, 309, 311),
    "MT": (215, 229, 248, 249, 256),
    "CY": (209, 210, 212),
    "GR": (237, 239, 240, 241),
    "PW": (511,),
    "TV": (572,),
    "TG": (671,),
    "SL": (667,),
    "KM": (616, 620),
    "KN": (341,),
    "BZ": (312,),
    "CK": (518,),
    "VU": (576, 577),
    "FJ": (520,),
    "TZ": (674, 677),
    "CM": (613,),
    "GA": (626,),
    "MD": (214,),
    "GE": (213,),
    "BO": (720,),
    "DK": (219, 220),
    "SE": (265, 266),
    "NO": (257, 258, 259),
    "FI": (230,),
    "DE": (211, 218),
    "NL": (244, 245, 246),
    "BE": (205,),
    "FR": (226, 227, 228),
    "GB": (232, 233, 234, 235),
    "IE": (250,),
    "ES": (224, 225),
    "PT": (263,),
    "IT": (247,),
    "PL": (261,),
    "EE": (276,),
    "LV": (275,),
    "LT": (277,),
    "UA": (272,),
    "US": (338, 366, 367, 368, 369),
    "CA": (316,),
    "MX": (345,),
    "BR": (710,),
    "AR": (701,),
    "CL": (725,),
    "PE": (760,),
    "AU": (503,),
    "NZ": (512,),
    "ZA": (601,),
    "NG": (657,),
    "EG": (622,),
    "MA": (242,),
    "IS": (251,),
    "FO": (231,),
    "GI": (236,),
    "AG": (304, 305),
    "VC": (375, 376, 377),
    "JM": (339,),
    "BB": (314,),
    "HN": (334,),
    "DO": (327,),
    "VE": (775,),
    "CO": (730,),
    "EC": (735,),
    "UY": (770,),
}
MID_FLAG: dict[int, str] = {mid: iso for iso, mids in _MIDS.items() for mid in mids}


def mid(mmsi: int) -> int | None:
    """The MID of a ship station MMSI (9 digits, first digit 2-7), else None."""
    text = str(mmsi)
    if len(text) != 9 or text[0] not in "234567":
        return None
    return int(text[:3])


def flag_of(mmsi: int) -> str | None:
    """ISO country code of the flag the MMSI claims, or None if unknown."""
    value = mid(mmsi)
    return None if value is None else MID_FLAG.get(value)
