"""The community asset register: proposing an entry, the panel's review, what is public."""

from flask_babel import gettext as _
from sqlalchemy import select

from pb.access import may_review_assets
from pb.assets.models import AssetStatus, CommunityAsset
from pb.audit.services import record
from pb.extensions import db
from pb.places.geometry import Place, ward_at
from pb.timeutil import utcnow

FIELDS = ("name", "kind", "offers", "address", "contact", "opening")


class AssetError(Exception):
    """A review step the register does not allow, with the reason why."""


def may_review(user) -> bool:
    """Panel members of any ward and the council admin review the council-wide register."""
    return may_review_assets(user)


def propose_asset(council, proposer, place: Place, **fields) -> CommunityAsset:
    """Add an entry to the register, waiting for the panel's approval."""
    asset = CommunityAsset(
        council=council,
        proposer=proposer,
        latitude=place.latitude,
        longitude=place.longitude,
        ward=ward_at(council.wards, place),
        status=AssetStatus.PENDING.value,
        **{name: fields[name] for name in FIELDS},
    )
    db.session.add(asset)
    db.session.flush()
    record("asset.proposed", actor=proposer, asset=asset.id)
    return asset


def review_asset(asset: CommunityAsset, reviewer, *, approve: bool, reason: str) -> None:
    """The panel's decision on a waiting entry; a rejection needs a reason (it is shown)."""
    if asset.status != AssetStatus.PENDING:
        raise AssetError(_("This entry has been reviewed already."))
    reason = (reason or "").strip()
    if not approve and not reason:
        raise AssetError(_("Give the reason the entry is not accepted: the proposer sees it."))
    asset.status = (AssetStatus.APPROVED if approve else AssetStatus.REJECTED).value
    asset.review_reason = reason or None
    asset.reviewer = reviewer
    asset.reviewed_at = utcnow()
    record("asset.reviewed", actor=reviewer, asset=asset.id, status=asset.status)
    db.session.flush()


def approved_assets(council) -> list[CommunityAsset]:
    """The public register of the council, by name."""
    if council is None:
        return []
    query = select(CommunityAsset).where(
        CommunityAsset.council_id == council.id,
        CommunityAsset.status == AssetStatus.APPROVED.value,
    )
    return list(db.session.scalars(query.order_by(CommunityAsset.name, CommunityAsset.id)))


def waiting_assets() -> list[CommunityAsset]:
    """Entries waiting for the panel, oldest first."""
    query = select(CommunityAsset).where(CommunityAsset.status == AssetStatus.PENDING.value)
    return list(db.session.scalars(query.order_by(CommunityAsset.created_at, CommunityAsset.id)))


def visible_to(asset: CommunityAsset, user) -> bool:
    """Approved entries are public; others only to their proposer and the panel."""
    if asset.approved:
        return True
    return user.is_authenticated and (asset.proposer_id == user.id or may_review(user))
