"""Imports every model so that metadata, Alembic and tests see all the tables."""

from pb.assets.models import CommunityAsset
from pb.audit.models import AuditEvent, ChainEvent
from pb.audit.signing import SigningKey
from pb.auth.models import LoginSession, RoleGrant, User
from pb.conversation.models import Comment, CommentFlag, Follow, Notice, Support
from pb.councils.models import Council, Postcode, Ward
from pb.electorate.models import AccessCode, AccessCodeBatch, VoterRollEntry
from pb.jobs import Job
from pb.mail import FailedMail
from pb.meetings.models import Meeting
from pb.paper.models import PaperBatch, PaperBatchEntry
from pb.pots.models import Pot, Round
from pb.proposals.models import DeliveryUpdate, Proposal
from pb.proposals.pictures import ProposalPicture
from pb.results.models import Result
from pb.voting.models import Ballot, Participation, SealedBallot

__all__ = [
    "AccessCode",
    "AccessCodeBatch",
    "AuditEvent",
    "Ballot",
    "ChainEvent",
    "Comment",
    "CommentFlag",
    "CommunityAsset",
    "Council",
    "DeliveryUpdate",
    "FailedMail",
    "Follow",
    "Job",
    "LoginSession",
    "Meeting",
    "Notice",
    "PaperBatch",
    "PaperBatchEntry",
    "Participation",
    "Postcode",
    "Pot",
    "Proposal",
    "ProposalPicture",
    "Result",
    "RoleGrant",
    "Round",
    "SealedBallot",
    "SigningKey",
    "Support",
    "User",
    "VoterRollEntry",
    "Ward",
]
