"""Recognise lines that are only a date (possibly labelled) and parse them.

Shapes accepted: ISO 8601 ("2021-08-17", "2021-08-17T15:00:00+08:00"), and written dates with
an optional weekday, time and zone ("Published: 3:00pm, 17 Aug, 2021", "17 August 2021",
"Tuesday, August 17, 2021 10:30 AM EDT"). A date without a zone is taken as UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

_LABEL_RE = re.compile(
    r"^(?P<label>first published|last updated|last modified|published|updated|posted|modified"
    r"|dated|date)(?:\s+on)?\s*[:\-–—]?\s*",
    re.IGNORECASE,
)
_ISO_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)?"
    r"(?:\s*(?:Z|[+-]\d{2}:?\d{2}))?$"
)
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_WEEKDAYS = {
    "mon",
    "monday",
    "tue",
    "tues",
    "tuesday",
    "wed",
    "wednesday",
    "thu",
    "thur",
    "thurs",
    "thursday",
    "fri",
    "friday",
    "sat",
    "saturday",
    "sun",
    "sunday",
}
_ZONES = {
    "utc": 0,
    "gmt": 0,
    "z": 0,
    "bst": 60,
    "cet": 60,
    "cest": 120,
    "eet": 120,
    "eest": 180,
    "est": -300,
    "edt": -240,
    "pst": -480,
    "pdt": -420,
    "hkt": 480,
    "sgt": 480,
    "jst": 540,
    "kst": 540,
    "aest": 600,
    "aedt": 660,
}
_TIME_RE = re.compile(r"^(\d{1,2})[:.](\d{2})(?::(\d{2}))?(am|pm)?$")
_OFFSET_RE = re.compile(r"^(?:utc|gmt)?([+-])(\d{1,2})(?::?(\d{2}))?$")
_FILLERS = {"at", "on", "the", "of", "|", "-", "–", "—", "·"}


def _zone(token: str) -> timezone | None:
    if token in _ZONES:
        return timezone(timedelta(minutes=_ZONES[token]))
    match = _OFFSET_RE.match(token)
    if match is None:
        return None
    sign = -1 if match.group(1) == "-" else 1
    hours, minutes = int(match.group(2)), int(match.group(3) or 0)
    if hours > 14 or minutes > 59:
        return None
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _parse_iso(text: str) -> datetime | None:
    if not _ISO_RE.match(text):
        return None
    try:
        value = datetime.fromisoformat(text.replace(" ", "T", 1).replace(" ", ""))
    except ValueError:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _parse_written(text: str) -> datetime | None:
    cleaned = re.sub(r"\b([ap])\.m\.", r"\1m", text.lower())
    tokens = [t for t in re.split(r"[\s,]+", cleaned) if t]
    day = month = year = None
    hour = minute = second = 0
    tz: timezone | None = None
    index = 0
    while index < len(tokens):
        token = tokens[index].rstrip(".")
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        time_match = _TIME_RE.match(token)
        if token in _FILLERS or token in _WEEKDAYS:
            pass
        elif time_match is not None:
            hour, minute = int(time_match.group(1)), int(time_match.group(2))
            second = int(time_match.group(3) or 0)
            meridiem = time_match.group(4)
            if meridiem is None and following in ("am", "pm"):
                meridiem = following
                index += 1
            if meridiem is not None:
                if not 1 <= hour <= 12:
                    return None
                hour = hour % 12 + (12 if meridiem == "pm" else 0)
        elif token in _MONTHS and month is None:
            month = _MONTHS[token]
        elif re.fullmatch(r"\d{4}", token) and year is None:
            year = int(token)
        elif re.fullmatch(r"\d{1,2}(?:st|nd|rd|th)?", token) and day is None:
            day = int(re.sub(r"\D", "", token))
        elif tz is None and (zone := _zone(token)) is not None:
            tz = zone
        else:
            return None
        index += 1
    if day is None or month is None or year is None:
        return None
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=tz or UTC)
    except ValueError:
        return None


def parse_date(text: str) -> datetime | None:
    """Parse `text` if it is nothing but a date (no label); None otherwise."""
    text = text.strip()
    if not text or len(text) > 60:
        return None
    return _parse_iso(text) or _parse_written(text)


def parse_date_line(line: str) -> tuple[datetime, bool] | None:
    """Parse a whole line of dates; return (the first date, whether it is an update stamp).

    A line may hold several labelled parts ("Published: … | Updated: …"); every part must be a
    date for the line to count as a date line. A "published" stamp is preferred over "updated".
    """
    if len(line) > 160:
        return None
    found: list[tuple[datetime, bool]] = []
    for part in re.split(r"\s+[|·•]\s+|\s*;\s*", line):
        if not part:
            continue
        label_match = _LABEL_RE.match(part)
        is_update = False
        if label_match is not None:
            label = label_match.group("label").lower()
            is_update = label in ("updated", "last updated", "last modified", "modified")
            part = part[label_match.end() :]
        value = parse_date(part)
        if value is None:
            return None
        found.append((value, is_update))
    if not found:
        return None
    found.sort(key=lambda item: item[1])  # stable: published stamps first
    return found[0]
