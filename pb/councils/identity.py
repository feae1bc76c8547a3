"""The council's identity: its name, colour, logo and website on every page, mail and sheet.

The logo is uploaded by an admin and re-encoded here with Pillow: only PNG and JPEG are read,
the image is scaled to fit LOGO_BOX and written out afresh, so nothing but pixels survives
(no metadata, no embedded script; SVG is refused outright because a browser runs the script an
SVG can carry). The result is small enough to keep in the database, so several app servers
serve the same logo without shared files.
"""

import hashlib
import io
import re

from flask import g, has_request_context
from flask_babel import gettext as _

from pb.councils.models import Council, site_council

LOGO_MAX_UPLOAD = 2 * 1024 * 1024  # bytes read from the admin's file
LOGO_BOX = (400, 160)  # pixels: the logo is scaled down to fit, never up
LOGO_MAX_BYTES = 200 * 1024  # what is stored, after re-encoding
DEFAULT_COLOUR = "#1d4f91"
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class LogoError(ValueError):
    """The uploaded file is not a usable logo; the message says why, for the admin."""


def home_council() -> Council | None:
    """The council this site belongs to: the first one set up (imports add others). Read once
    a request: the header, footer and mail links of one page all ask."""
    if has_request_context() and "pb_home_council" in g:
        return g.pb_home_council
    council = site_council()
    if has_request_context() and council is not None:
        g.pb_home_council = council
    return council


def council_of(pot=None) -> Council | None:
    """The council a page is about: the pot's when there is one, else the site's own."""
    council = getattr(pot, "council", None)
    return council if isinstance(council, Council) else home_council()


def valid_colour(text: str | None) -> str | None:
    """`#rrggbb` in lower case, or None when the text is not such a colour."""
    text = (text or "").strip()
    return text.lower() if _COLOUR.match(text) else None


def colour_of(council: Council | None) -> str:
    return (council.colour if council and council.colour else None) or DEFAULT_COLOUR


def text_contrast_ok(colour: str) -> bool:
    """True when white text on `colour` meets WCAG AA for normal text (4.5:1)."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05) >= 4.5


def reencode_logo(data: bytes) -> tuple[bytes, str]:
    """The logo as PNG bytes (or JPEG for a photo-like JPEG), scaled to fit LOGO_BOX.

    Raises LogoError with a message naming the problem.
    """
    from PIL import Image, UnidentifiedImageError

    if not data:
        raise LogoError(_("The file is empty. Choose a PNG or JPEG image of the logo."))
    if len(data) > LOGO_MAX_UPLOAD:
        raise LogoError(
            _(
                "The file is %(size)s KB; a logo can be up to %(limit)s KB.",
                size=len(data) // 1024,
                limit=LOGO_MAX_UPLOAD // 1024,
            )
        )
    if data.lstrip()[:5].lower() in (b"<?xml", b"<svg ") or b"<svg" in data[:512].lower():
        raise LogoError(_("SVG logos are not accepted. Save the logo as a PNG or JPEG image."))
    try:
        with Image.open(io.BytesIO(data), formats=["PNG", "JPEG"]) as image:
            source_format = image.format
            if image.width * image.height > 40_000_000:
                raise LogoError(_("The image is too large to read. Save it smaller."))
            image.load()
            image.thumbnail(LOGO_BOX)
            out = io.BytesIO()
            if source_format == "JPEG":
                image.convert("RGB").save(out, format="JPEG", quality=85)
                mime = "image/jpeg"
            else:
                image.convert("RGBA").save(out, format="PNG", optimize=True)
                mime = "image/png"
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise LogoError(
            _("The file is not a PNG or JPEG image. Choose a PNG or JPEG image of the logo.")
        ) from exc
    encoded = out.getvalue()
    if len(encoded) > LOGO_MAX_BYTES:
        raise LogoError(_("The logo is too detailed to keep small. Save a simpler image."))
    return encoded, mime


def logo_etag(council: Council) -> str | None:
    return hashlib.sha256(council.logo).hexdigest()[:32] if council.logo else None


def favicon_png(council: Council | None) -> bytes:
    """A 32 px square icon: the council's logo on white, or its colour with its initial."""
    from PIL import Image, ImageDraw

    colour = colour_of(council)
    icon = Image.new("RGB", (32, 32), colour)
    if council is not None and council.logo:
        with Image.open(io.BytesIO(council.logo), formats=["PNG", "JPEG"]) as opened:
            logo = opened.convert("RGBA")
            logo.thumbnail((32, 32))
            icon = Image.new("RGB", (32, 32), "#ffffff")
            icon.paste(logo, ((32 - logo.width) // 2, (32 - logo.height) // 2), logo)
    else:
        initial = (council.name[:1] if council and council.name else "P").upper()
        ImageDraw.Draw(icon).text((10, 8), initial, fill="#ffffff", font_size=18)
    out = io.BytesIO()
    icon.save(out, format="PNG")
    return out.getvalue()
