"""Screening: is this person, company or ship on a list? For one name or a million.

Entry point: `sanctionwatch.screening.service` (`Screener`, `MatchOptions`, `make_query`,
`algorithms`). Inside: `normalize` and `names` (name analysis), `korean` (syllable-level
romanisation), `compare` (part alignment), `features` (dates, countries, identifiers),
`algorithms` (the versioned registry), `index` (candidate keys, persisted), `batch` and
`spark_batch` (tables), `loader` (the screener over the store).
"""
