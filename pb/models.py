"""Imports every model so that metadata, Alembic and tests see all the tables."""

from pb.assets.models import CommunityAsset
from pb.audit.models import AuditEvent, ChainEvent
from pb.audit.signing import SigningKey
from pb.auth.models import LoginSession, RoleGrant, User
from pb.councils.models import Council, Postcode, Ward
from pb.electorate.models import AccessCode, AccessCodeBatch, VoterRollEntry
from pb.jobs import Job
from pb.paper.models import PaperBatch, PaperBatchEntry
from pb.pots.models import Pot, Round
from pb.proposals.models import DeliveryUpdate, Proposal
from pb.results.models import Result
from pb.voting.models import Ballot, Participation, SealedBallot

__all__ = [
    "AccessCode",
    "AccessCodeBatch",
    "AuditEvent",
    "Ballot",
    "ChainEvent",
    "CommunityAsset",
    "Council",
    "DeliveryUpdate",
    "Job",
    "LoginSession",
    "PaperBatch",
    "PaperBatchEntry",
    "Participation",
    "Postcode",
    "Pot",
    "Proposal",
    "Result",
    "RoleGrant",
    "Round",
    "SealedBallot",
    "SigningKey",
    "User",
    "VoterRollEntry",
    "Ward",
]
