"""The lead image: its URL from the page's structured data, its caption and credit from the
matching `<figure>` (or the JSON-LD ImageObject), the credit split off the caption."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

from tidings.core.models import Image
from tidings.extract._meta_sources import MetaTags, element_text, ld_text, types_of
from tidings.extract._shapes import normalise, split_credit

__all__ = ["lead_image"]

_IMAGE_KEYS = (
    "og:image:secure_url",
    "og:image",
    "og:image:url",
    "twitter:image",
    "twitter:image:src",
    "image",
    "thumbnailurl",
)
_VARIANT_RE = re.compile(
    r"(?:[-_](?:\d+x\d+|\d+w|facebookJumbo|master\d*|large|medium|small|thumb\w*|superJumbo))+$",
    re.IGNORECASE,
)
_CREDIT_KEYS = ("creditText", "copyrightHolder", "author", "creator", "copyrightNotice")
_ID_RE = re.compile(r"[\w-]+")
_CREDIT_CLASS_RE = re.compile(r"credit|copyright|photographer|byline|author|source", re.I)
_CREDIT_LABEL_RE = re.compile(
    r"^(?:credits?|photo(?:graph)?(?:\s+by)?|image(?:\s+by)?|foto|fotos|bild|crédito|crédit"
    r"|©|\(c\))(?:\s*[:.…]+\s*|\s+)",
    re.IGNORECASE,
)
_PHOTOGRAPHER = r"(?:[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3}\s*/\s*)?"
# A photo agency closing a caption: "… Getty Images", "… John Smith/Getty Images"; the short
# names ("AP", "PA") only after a finished sentence or a dash, so "… in PA" stays a caption.
_AGENCY_TAIL_RE = re.compile(
    rf"\s+(?:[-–—|]\s*)?(?P<credit>{_PHOTOGRAPHER}(?:Getty Images|Shutterstock|iStock\w*|Alamy"
    r"|Bloomberg))\.?$"
    rf"|(?:(?<=[.!?])\s*|\s+[-–—|]\s*)(?P<short>{_PHOTOGRAPHER}(?:AFP|Reuters|AP Photo|AP|EPA"
    r"|PA|dpa|ANP|ANSA|EFE|Xinhua))\.?$"
)
# A caption that is only a credit: "Jo Bloggs/Agency" (a few words either side of the slash).
_SLASH_CREDIT_RE = re.compile(
    r"^[A-Z][\w.'-]*(?:\s[\w.'-]+){0,4}\s?/\s?[A-Z][\w.'-]*(?:\s[\w.'-]+){0,4}$"
)


def _image_keys(url: str) -> set[str]:
    """Parts of an image URL shared by its resized variants: the file name without size
    suffixes ("a/b-640x480.jpg" → "b") and any long id-like path segment."""
    path = url.split("?")[0].split("#")[0].rstrip("/")
    segments = [segment for segment in path.split("/")[3:] if segment]
    if not segments:
        return set()
    keys = {seg for seg in segments if len(seg) >= 16 and _ID_RE.fullmatch(seg)}
    stem = _VARIANT_RE.sub("", segments[-1].rsplit(".", 1)[0])
    if len(stem) >= 6:
        keys.add(stem)
    elif not keys:
        keys.add(max(segments, key=len))
    return keys


def _ld_image(article: dict[str, Any] | None) -> tuple[str | None, str | None, str | None]:
    """(url, caption, credit) of the JSON-LD article's first image."""
    if article is None:
        return None, None, None
    value = article.get("image") or article.get("thumbnailUrl")
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, str):
        return value.strip() or None, None, None
    if isinstance(value, dict) and (not types_of(value) or "imageobject" in types_of(value)):
        url = ld_text(value.get("url")) or ld_text(value.get("contentUrl"))
        caption = ld_text(value.get("caption")) or ld_text(value.get("description"))
        credit = next((t for k in _CREDIT_KEYS if (t := ld_text(value.get(k)))), None)
        return url, caption, credit
    return None, None, None


def _figure_sources(figure: Any) -> str:
    found = [str(figure.get("itemid") or "")]
    for element in figure.iter("img", "source", "meta", "a"):
        for attr, value in element.attrib.items():
            if attr in ("src", "srcset", "content", "href") or attr.startswith("data-"):
                found.append(str(value))
    return " ".join(found)


def _caption_parts(caption_element: Any) -> tuple[str | None, str | None]:
    """(caption, credit) of a `<figcaption>`: the credit from an element marked as one
    ("credit", "copyright", `itemprop=copyrightHolder`…), or split off the text."""
    for element in caption_element.iter():
        if element is caption_element or not isinstance(element.tag, str):
            continue
        marks = f"{element.get('class') or ''} {element.get('itemprop') or ''}"
        if _CREDIT_CLASS_RE.search(marks) and (credit := element_text(element)):
            return split_caption(element_text(caption_element, drop=(element,)), credit)
    return split_caption(element_text(caption_element))


def split_caption(text: str | None, credit: str | None = None) -> tuple[str | None, str | None]:
    """Split an image credit off a caption ("… Photograph: Jo Bloggs", "… Getty Images",
    a caption that is only "Photo: Agency" or "Name/Agency")."""
    caption = normalise(text or "")
    caption = caption.rstrip(" -–—|") if credit else caption
    if not credit and caption:
        if (parts := split_credit(caption)) is not None:
            caption, credit = parts[0] or "", parts[1]
        elif (label := _CREDIT_LABEL_RE.match(caption)) is not None:
            caption, credit = "", caption[label.end() :]
        elif (agency := _AGENCY_TAIL_RE.search(caption)) is not None:
            caption = caption[: agency.start()]
            credit = agency.group("credit") or agency.group("short")
        elif _SLASH_CREDIT_RE.match(caption):
            caption, credit = "", caption
    caption = caption.strip(" -–—|")
    credit = normalise(credit or "")
    while (label := _CREDIT_LABEL_RE.match(credit)) is not None:
        credit = credit[label.end() :]
    if caption.casefold() == credit.casefold():
        caption = ""
    return caption or None, credit or None


def _figure_caption(tree: Any, url: str) -> tuple[str | None, str | None] | None:
    keys = _image_keys(url)
    if tree is None or not keys:
        return None
    for figure in tree.iter("figure"):
        sources = _figure_sources(figure)
        if not any(key in sources for key in keys):
            continue
        for caption in figure.iter("figcaption"):
            caption_text, credit = _caption_parts(caption)
            if caption_text or credit:
                return caption_text, credit
    return None


def lead_image(
    tree: Any, meta: MetaTags, article: dict[str, Any] | None, base_url: str | None
) -> Image | None:
    ld_url, caption, credit = _ld_image(article)
    url = meta.get(*_IMAGE_KEYS) or ld_url
    if not url or url.startswith("data:"):
        return None
    if base_url:
        url = urljoin(base_url, url)
    if ld_url is None or not (_image_keys(ld_url) & _image_keys(url)):
        caption, credit = None, None
    figure = _figure_caption(tree, url)
    if figure is not None:
        caption, credit = figure[0] or caption, figure[1] or credit
    else:
        caption, credit = split_caption(caption, credit)
    return Image(url=url, caption=caption, credit=credit)
