"""The database tables, as SQLAlchemy 2 typed models (one module per area)."""

from bot.domain.vocabulary import BusinessStatus, ClientOrigin, ClientStatus, Obstacle, StaffRole
from bot.storage.models.audit import AuditEvent
from bot.storage.models.base import NAMING_CONVENTION, Base
from bot.storage.models.casework import (
    Alert,
    AlertDelivery,
    AlertKind,
    CheckIn,
    CheckInStatus,
    ClientEvent,
    FollowUpAction,
    FollowUpRequest,
    JobSchedule,
    Staff,
    StaffArea,
    StaffInvitation,
    Upt,
)
from bot.storage.models.data_rights import Erasure
from bot.storage.models.inbox import InboxChat, InboxStatus, InboxUpdate, Lease, ProcessRow
from bot.storage.models.marketing import MarketingRequest, Referral, ReferralStatus, RequestEvent
from bot.storage.models.media import Agency, MediaFile, MediaKind, MediaOwner
from bot.storage.models.messaging import OutboxKind, OutboxMessage, OutboxStatus, Priority
from bot.storage.models.people import (
    BusinessReport,
    Client,
    Consent,
    Conversation,
    Invitation,
    User,
)
from bot.storage.models.programs import Program, ProgramApplication

__all__ = [
    "NAMING_CONVENTION",
    "Agency",
    "Alert",
    "AlertDelivery",
    "AlertKind",
    "AuditEvent",
    "Base",
    "BusinessReport",
    "BusinessStatus",
    "CheckIn",
    "CheckInStatus",
    "Client",
    "ClientEvent",
    "ClientOrigin",
    "ClientStatus",
    "Consent",
    "Conversation",
    "Erasure",
    "FollowUpAction",
    "FollowUpRequest",
    "InboxChat",
    "InboxStatus",
    "InboxUpdate",
    "Invitation",
    "JobSchedule",
    "Lease",
    "MarketingRequest",
    "MediaFile",
    "MediaKind",
    "MediaOwner",
    "Obstacle",
    "OutboxKind",
    "OutboxMessage",
    "OutboxStatus",
    "Priority",
    "ProcessRow",
    "Program",
    "ProgramApplication",
    "Referral",
    "ReferralStatus",
    "RequestEvent",
    "Staff",
    "StaffArea",
    "StaffInvitation",
    "StaffRole",
    "Upt",
    "User",
]
