"""NMEA 0183 AIVDM/AIVDO with pyais: tag blocks, multipart groups, checksums, timestamps.

Times come from the tag block `c:` field, a Gatehouse `$PGHP` sentence before the message, or a
trailing epoch field (AISdb style). Sentences without any time still decode, but their
positions are counted as `bad_timestamp`: a position without a time cannot be used.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from pyais.exceptions import AISBaseException
from pyais.messages import NMEAMessage

from sanctionwatch.maritime.ingest.batch import Batch, clean_float, clean_imo, clean_text

POSITION_TYPES = {1, 2, 3, 18, 19, 27}
STATIC_TYPES = {5, 19, 24}
_GroupKey = tuple[int, str, int]


def _checksum_ok(body: str, checksum: str) -> bool:
    value = 0
    for char in body:
        value ^= ord(char)
    return f"{value:02X}" == checksum.upper()


def _split_tag_block(line: str) -> tuple[dict[str, str], str, bool]:
    """(tag fields, sentence, tag checksum ok) for a line that may start with `\\...\\`."""
    if not line.startswith("\\"):
        return {}, line, True
    end = line.find("\\", 1)
    if end < 0:
        return {}, "", False
    block = line[1:end]
    body, _, checksum = block.partition("*")
    fields = dict(item.split(":", 1) for item in body.split(",") if ":" in item)
    return fields, line[end + 1 :], _checksum_ok(body, checksum) if checksum else True


def _pghp_time(line: str) -> int | None:
    parts = line.split(",")
    try:
        year, month, day, hour, minute, second = (int(p) for p in parts[2:8])
        return int(datetime(year, month, day, hour, minute, second, tzinfo=UTC).timestamp())
    except (ValueError, IndexError):
        return None


def _trailing_epoch(sentence: str) -> int | None:
    tail = sentence.rsplit(",", 1)[-1].strip()
    return int(tail) if tail.isdigit() and len(tail) == 10 else None


def read_nmea(lines: Iterable[str], *, file: str, batch: Batch) -> None:
    """Decode AIS sentences into `batch`, counting every line that yields nothing."""
    counts = batch.report.counts
    pending: dict[_GroupKey, list[NMEAMessage]] = {}
    pending_time: dict[_GroupKey, int | None] = {}
    pghp_time: int | None = None
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        where = f"line {number}"
        if not line or line.startswith("#"):
            continue
        counts["nmea_lines"] += 1
        if line.startswith("$PGHP"):
            pghp_time = _pghp_time(line)
            continue
        tags, sentence, tag_ok = _split_tag_block(line)
        if not tag_ok:
            batch.report.problem(reason="bad_tag_block", file=file, location=where, value=line)
            continue
        start = sentence.find("!")
        if start < 0 or sentence[start + 3 : start + 6] not in ("VDM", "VDO"):
            batch.report.problem(reason="not_ais_sentence", file=file, location=where, value=line)
            continue
        sentence = sentence[start:]
        ts = _tag_time(tags) or _trailing_epoch(sentence) or pghp_time
        core = ",".join(sentence.split(",")[:7])  # drop receiver suffix fields
        try:
            message = NMEAMessage(core.encode("ascii", errors="replace"))
        except AISBaseException:
            batch.report.problem(reason="malformed_sentence", file=file, location=where, value=line)
            continue
        if not message.is_valid:
            batch.report.problem(reason="bad_checksum", file=file, location=where, value=line)
            continue
        if message.frag_cnt == 1:
            _decode(message, ts=ts, file=file, where=where, batch=batch)
            continue
        key = (int(message.seq_id or 0), str(message.channel), int(message.frag_cnt))
        if message.frag_num == 1:
            if key in pending:
                _drop_group(pending, key, file=file, where=where, batch=batch)
            pending[key] = []
            pending_time[key] = ts
        if key not in pending or len(pending[key]) != message.frag_num - 1:
            batch.report.problem(
                reason="incomplete_multipart", file=file, location=where, value=line
            )
            pending.pop(key, None)
            continue
        pending[key].append(message)
        if message.frag_num == message.frag_cnt:
            parts = pending.pop(key)
            try:
                whole = NMEAMessage.assemble_from_iterable(parts)
            except AISBaseException:
                batch.report.problem(
                    reason="malformed_sentence", file=file, location=where, value=line
                )
                continue
            _decode(whole, ts=pending_time.pop(key, ts), file=file, where=where, batch=batch)
    for key in list(pending):
        _drop_group(pending, key, file=file, where="end of file", batch=batch)


def _tag_time(tags: dict[str, str]) -> int | None:
    value = tags.get("c", "")
    if not value.isdigit():
        return None
    number = int(value)
    return number // 1000 if number > 10**11 else number


def _drop_group(
    pending: dict[_GroupKey, list[NMEAMessage]],
    key: _GroupKey,
    *,
    file: str,
    where: str,
    batch: Batch,
) -> None:
    for _ in pending.pop(key, []):
        batch.report.problem(reason="incomplete_multipart", file=file, location=where)


def _decode(message: NMEAMessage, *, ts: int | None, file: str, where: str, batch: Batch) -> None:
    try:
        data: dict[str, Any] = message.decode().asdict()
    except (AISBaseException, ValueError, IndexError, KeyError):
        batch.report.problem(
            reason="undecodable_payload",
            file=file,
            location=where,
            value=message.raw.decode("ascii", errors="replace"),
        )
        return
    kind = int(data.get("msg_type") or 0)
    batch.report.counts[f"nmea_type_{kind}"] += 1
    mmsi = data.get("mmsi")
    mmsi = int(mmsi) if isinstance(mmsi, int | str) and str(mmsi).isdigit() else None
    if kind in STATIC_TYPES:
        batch.add_identity(
            mmsi=mmsi,
            ts=ts,
            imo=clean_imo(data.get("imo")),
            name=clean_text(data.get("shipname")),
            callsign=clean_text(data.get("callsign")),
            shiptype=clean_text(data.get("ship_type")),
            length=_dimension(data, "to_bow", "to_stern"),
            width=_dimension(data, "to_port", "to_starboard"),
            source=file,
        )
    if kind in POSITION_TYPES:
        batch.add_position(
            file=file,
            location=where,
            mmsi=mmsi,
            ts=ts,
            lat=clean_float(data.get("lat")),
            lon=clean_float(data.get("lon")),
            sog=clean_float(data.get("speed")),
            cog=clean_float(data.get("course")),
            heading=clean_float(data.get("heading")),
            receiver=None,
            source=file,
        )
    elif kind not in STATIC_TYPES:
        batch.report.counts["skipped:not_a_vessel_report"] += 1


def _dimension(data: dict[str, Any], a: str, b: str) -> float | None:
    first, second = clean_float(data.get(a)), clean_float(data.get(b))
    if first is None or second is None or first + second <= 0:
        return None
    return first + second
