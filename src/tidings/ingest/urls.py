"""URL helpers: canonical form for duplicate detection, local paths as sources."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from tidings.core import InvalidInputError

_TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "piwik_", "hsa_", "oly_", "vero_")
_TRACKING_NAMES = {
    "fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "mkt_tok", "_hsenc", "_hsmi",
    "ref_src", "cmpid", "ito", "ns_mchannel", "ns_source", "ns_campaign", "ns_linkname",
    "ns_fee", "at_medium", "at_campaign", "share", "ocid", "rss", "cid",
}  # fmt: skip


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, drop default ports, fragments and tracking parameters,
    sort the remaining query. Two links to the same article normalise to the same string."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    try:
        port = parts.port
    except ValueError:  # a port out of range or not a number: keep the URL as given
        return url.strip()
    netloc = host
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        netloc = f"{host}:{port}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(_TRACKING_PREFIXES) and k.lower() not in _TRACKING_NAMES
    ]
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, urlencode(sorted(query)), ""))


def source_location(ref: str) -> str:
    """Normalise what a user gives as a source: an http(s) URL stays as it is, a local path
    becomes an absolute file:// URL. Anything else is refused with a clear message."""
    ref = ref.strip()
    if not ref:
        raise InvalidInputError("empty source: give an http(s) URL or a file path")
    parts = urlsplit(ref)
    if parts.scheme in ("http", "https"):
        if not parts.hostname:
            raise InvalidInputError(f"bad URL {ref!r}: no host name")
        return ref
    if parts.scheme == "file":
        return Path(parts.path).resolve().as_uri()
    if parts.scheme and len(parts.scheme) > 1:
        raise InvalidInputError(
            f"bad URL {ref!r}: scheme {parts.scheme!r} is not supported (use http, https or a path)"
        )
    path = Path(ref).expanduser()
    if not path.exists():
        raise InvalidInputError(f"no such file: {ref} (and it is not an http(s) URL)")
    if not path.is_file():
        raise InvalidInputError(f"not a file: {ref}")
    return path.resolve().as_uri()


def local_path(url: str) -> Path | None:
    """The filesystem path of a file:// URL, else None."""
    parts = urlsplit(url)
    if parts.scheme != "file":
        return None
    from urllib.parse import unquote

    return Path(unquote(parts.path))
