"""Pictures of proposals: up to three each, re-encoded so that nothing but pixels is kept.

An upload is decoded by Pillow and written again from its pixels, at two sizes (LIST for the
proposals list, PAGE for the proposal's page). Writing from pixels drops EXIF (GPS position,
camera serial), XMP, ICC and text chunks: Pillow saves metadata only when asked to, and we never
ask. The EXIF orientation is applied first, so a phone photo stands the right way up. A file
that is not a JPEG, PNG or WebP, is too large in bytes or in pixels, or does not decode, is
refused with a message and nothing is stored.
"""

import io
import secrets
import warnings
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import DateTime, ForeignKey, String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from pb.audit.services import record
from pb.extensions import Model, db
from pb.i18n import number
from pb.proposals.models import Proposal
from pb.storage import storage
from pb.timeutil import utcnow

MAX_PICTURES = 3
ALT_LENGTH = 250
# Formats we accept, by what Pillow finds inside the file (never by its name or header).
FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}
SIZES = {"list": 320, "page": 1024}  # longest side, in pixels
MAX_PIXELS = 40_000_000  # a 40 megapixel photo; more is refused before decoding


class PictureError(Exception):
    """A picture that cannot be added or removed, with the reason for the person."""


class ProposalPicture(Model):
    __tablename__ = "proposal_pictures"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    uploader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Random, so a picture's address says nothing and cannot be guessed from another's.
    key: Mapped[str] = mapped_column(String(40), unique=True)
    extension: Mapped[str] = mapped_column(String(5))
    alt: Mapped[str] = mapped_column(String(ALT_LENGTH))
    width: Mapped[int]
    height: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    removed_reason: Mapped[str | None] = mapped_column(String(500))
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    def storage_key(self, size: str) -> str:
        return f"pictures/{self.key}-{size}.{self.extension}"

    @property
    def content_type(self) -> str:
        return {ext: kind for ext, kind in FORMATS.values()}[self.extension]


def pictures_of(proposal, *, removed: bool = False) -> list[ProposalPicture]:
    query = select(ProposalPicture).where(ProposalPicture.proposal_id == proposal.id)
    if not removed:
        query = query.where(ProposalPicture.removed_at.is_(None))
    return list(db.session.scalars(query.order_by(ProposalPicture.id)))


def first_pictures(proposals) -> dict[int, ProposalPicture]:
    """The first picture still shown of each proposal that has one, in one query (for lists)."""
    ids = [p.id for p in proposals]
    if not ids:
        return {}
    rows = db.session.scalars(
        select(ProposalPicture)
        .where(ProposalPicture.proposal_id.in_(ids), ProposalPicture.removed_at.is_(None))
        .order_by(ProposalPicture.id)
    )
    first: dict[int, ProposalPicture] = {}
    for picture in rows:
        first.setdefault(picture.proposal_id, picture)
    return first


def _decode(data: bytes) -> tuple[Image.Image, str]:
    limit = current_app.config["PICTURE_MAX_BYTES"]
    if not data:
        raise PictureError(_("Choose a picture to upload."))
    if len(data) > limit:
        raise PictureError(_("The picture must be at most %(mb)s MB.", mb=limit // (1024 * 1024)))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in FORMATS:
                raise PictureError(_("Upload a JPEG, PNG or WebP picture."))
            if image.width * image.height > MAX_PIXELS:
                raise PictureError(_("The picture has too many pixels; make it smaller."))
            image.load()
    except PictureError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        SyntaxError,
        EOFError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ):
        raise PictureError(_("Upload a JPEG, PNG or WebP picture.")) from None
    return image, image.format


def _encode(image: Image.Image, fmt: str, longest: int) -> bytes:
    copy = image.copy()
    copy.thumbnail((longest, longest))
    out = io.BytesIO()
    if fmt == "JPEG":
        copy.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    elif fmt == "PNG":
        copy.save(out, "PNG", optimize=True)
    else:
        copy.save(out, "WEBP", quality=85)
    return out.getvalue()


def add_picture(proposal, user, data: bytes, alt: str) -> ProposalPicture:
    """Store a picture of the proposal (re-encoded, at both sizes) with its alt text."""
    alt = " ".join((alt or "").replace("\x00", "").split())
    if not alt:
        raise PictureError(_("Describe the picture for people who cannot see it."))
    if len(alt) > ALT_LENGTH:
        raise PictureError(
            ngettext(
                "Keep the description to %(limit)s character.",
                "Keep the description to %(limit)s characters.",
                ALT_LENGTH,
                limit=number(ALT_LENGTH),
            )
        )
    count = db.session.scalar(
        select(func.count()).where(
            ProposalPicture.proposal_id == proposal.id, ProposalPicture.removed_at.is_(None)
        )
    )
    if (count or 0) >= MAX_PICTURES:
        raise PictureError(
            ngettext(
                "A proposal has at most %(num)s picture.",
                "A proposal has at most %(num)s pictures.",
                MAX_PICTURES,
            )
        )
    image, fmt = _decode(data)
    image = ImageOps.exif_transpose(image)  # stand it the right way up, then forget EXIF
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    extension, content_type = FORMATS[fmt]
    picture = ProposalPicture(
        proposal_id=proposal.id,
        uploader_id=user.id,
        key=secrets.token_hex(16),
        extension=extension,
        alt=alt,
        width=image.width,
        height=image.height,
    )
    # Written before the commit, under a random key: a rolled-back upload leaves files that no
    # row names, which nobody can find; a committed row never names a missing file.
    store = storage()
    for size, longest in SIZES.items():
        store.put(picture.storage_key(size), _encode(image, fmt, longest), content_type)
    db.session.add(picture)
    db.session.flush()
    record("picture.added", actor=user, pot=proposal.pot, proposal=proposal.id, picture=picture.id)
    return picture


def remove_picture(picture: ProposalPicture, actor, reason: str) -> None:
    """The panel takes a picture down with a public reason; the files go, the row stays."""
    reason = " ".join((reason or "").replace("\x00", "").split())
    if not reason:
        raise PictureError(_("Give the reason; it is shown in place of the picture."))
    if len(reason) > 500:
        raise PictureError(_("Keep the reason to 500 characters."))
    if picture.removed_at is not None:
        raise PictureError(_("This picture is already removed."))
    picture.removed_at = utcnow()
    picture.removed_reason = reason
    picture.removed_by_id = actor.id
    proposal_pot = db.session.get_one(Proposal, picture.proposal_id).pot
    record("picture.removed", actor=actor, pot=proposal_pot, picture=picture.id, reason=reason)
    db.session.flush()


def delete_files(picture: ProposalPicture) -> None:
    """Delete the stored files of a removed picture (after the commit)."""
    store = storage()
    for size in SIZES:
        store.delete(picture.storage_key(size))
