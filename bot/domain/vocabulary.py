"""The domain's words: enums stored in the database, and their labels for people.

Labels are source-language msgids (marked with N_); translate them with the reader's
translator at the moment of rendering. Storage models, services and flows all import from
here, so a status has one name and one label everywhere.
"""

from __future__ import annotations

from enum import StrEnum

from bot.domain.reference import PPKS_CATEGORIES, PpksCategory


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return message


class BusinessStatus(StrEnum):
    """How the business is doing, as the client reports it."""

    RUNNING = "running"
    DECLINING = "declining"
    PAUSED = "paused"
    CLOSED = "closed"


BUSINESS_STATUS_LABELS: dict[BusinessStatus, str] = {
    BusinessStatus.RUNNING: N_("👍 Berjalan lancar"),
    BusinessStatus.DECLINING: N_("📉 Berjalan, tapi menurun"),
    BusinessStatus.PAUSED: N_("⏸️ Berhenti sementara"),
    BusinessStatus.CLOSED: N_("❌ Sudah tutup"),
}
BUSINESS_STATUS_MARKERS: dict[BusinessStatus, str] = {
    BusinessStatus.RUNNING: "👍",
    BusinessStatus.DECLINING: "📉",
    BusinessStatus.PAUSED: "⏸️",
    BusinessStatus.CLOSED: "❌",
}


class Obstacle(StrEnum):
    """The main obstacles a client can name in a report."""

    CAPITAL = "capital"
    MARKETING = "marketing"
    MATERIALS = "materials"
    EQUIPMENT = "equipment"
    HEALTH = "health"
    OTHER = "other"


OBSTACLE_LABELS: dict[Obstacle, str] = {
    Obstacle.CAPITAL: N_("Modal"),
    Obstacle.MARKETING: N_("Pemasaran"),
    Obstacle.MATERIALS: N_("Bahan baku"),
    Obstacle.EQUIPMENT: N_("Alat rusak"),
    Obstacle.HEALTH: N_("Kesehatan"),
    Obstacle.OTHER: N_("Lainnya"),
}


class HelpWanted(StrEnum):
    """The marketing help a client can ask for (/pemasaran)."""

    BAZAAR = "bazaar"
    CATALOGUE = "catalogue"
    MARKETPLACE = "marketplace"
    SOCIAL_MEDIA = "social_media"
    PACKAGING = "packaging"
    TRAINING = "training"
    OTHER = "other"


HELP_WANTED_LABELS: dict[HelpWanted, str] = {
    HelpWanted.BAZAAR: N_("Bazar atau pameran"),
    HelpWanted.CATALOGUE: N_("Katalog online Dinsos"),
    HelpWanted.MARKETPLACE: N_("Masuk marketplace"),
    HelpWanted.SOCIAL_MEDIA: N_("Media sosial"),
    HelpWanted.PACKAGING: N_("Kemasan dan merek"),
    HelpWanted.TRAINING: N_("Pelatihan pemasaran"),
    HelpWanted.OTHER: N_("Lainnya"),
}


class RequestStatus(StrEnum):
    """Where a marketing request stands."""

    SUBMITTED = "submitted"
    IN_PROGRESS = "in_progress"
    REFERRED = "referred"
    DONE = "done"
    DECLINED = "declined"


REQUEST_STATUS_LABELS: dict[RequestStatus, str] = {
    RequestStatus.SUBMITTED: N_("⏳ Diajukan"),
    RequestStatus.IN_PROGRESS: N_("🔧 Sedang ditangani"),
    RequestStatus.REFERRED: N_("🤝 Dirujuk ke mitra"),
    RequestStatus.DONE: N_("✅ Selesai"),
    RequestStatus.DECLINED: N_("❌ Tidak dapat dibantu"),
}


class ReferralOutcome(StrEnum):
    """How a partner agency closed a referral."""

    SOLD_AT_BAZAAR = "sold_at_bazaar"
    CATALOGUED = "catalogued"
    ON_MARKETPLACE = "on_marketplace"
    TRAINED = "trained"
    OTHER_HELP = "other_help"
    DECLINED = "declined"  # with a reason the client is told


REFERRAL_OUTCOME_LABELS: dict[ReferralOutcome, str] = {
    ReferralOutcome.SOLD_AT_BAZAAR: N_("🎪 Dijual di bazar"),
    ReferralOutcome.CATALOGUED: N_("📒 Masuk katalog"),
    ReferralOutcome.ON_MARKETPLACE: N_("🛒 Masuk marketplace"),
    ReferralOutcome.TRAINED: N_("🎓 Diberi pelatihan"),
    ReferralOutcome.OTHER_HELP: N_("🤝 Dibantu dengan cara lain"),
    ReferralOutcome.DECLINED: N_("❌ Tidak dapat dibantu"),
}


class ApplicationStatus(StrEnum):
    """Where a program application stands (/program)."""

    SUBMITTED = "submitted"  # holds one of the program's places
    UNDER_REVIEW = "under_review"  # holds a place
    ACCEPTED = "accepted"  # holds a place
    REJECTED = "rejected"  # with a reason the client is told
    WAITLISTED = "waitlisted"  # no place was free (or staff put it there)


APPLICATION_STATUS_LABELS: dict[ApplicationStatus, str] = {
    ApplicationStatus.SUBMITTED: N_("📨 Diajukan"),
    ApplicationStatus.UNDER_REVIEW: N_("🔎 Sedang diperiksa"),
    ApplicationStatus.ACCEPTED: N_("✅ Diterima"),
    ApplicationStatus.REJECTED: N_("❌ Tidak diterima"),
    ApplicationStatus.WAITLISTED: N_("🕒 Daftar tunggu"),
}
# The states that take one of a program's places (its quota).
PLACE_TAKING: frozenset[ApplicationStatus] = frozenset(
    {ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW, ApplicationStatus.ACCEPTED}
)


class QuestionKind(StrEnum):
    """How a program's eligibility question is answered."""

    YES_NO = "yes_no"
    NUMBER = "number"
    CHOICE = "choice"


QUESTION_KIND_LABELS: dict[QuestionKind, str] = {
    QuestionKind.YES_NO: N_("Ya/Tidak"),
    QuestionKind.NUMBER: N_("Angka"),
    QuestionKind.CHOICE: N_("Pilihan"),
}


class DocumentKind(StrEnum):
    """What a program's required document is sent as."""

    PHOTO = "photo"
    PDF = "pdf"


DOCUMENT_KIND_LABELS: dict[DocumentKind, str] = {
    DocumentKind.PHOTO: N_("foto"),
    DocumentKind.PDF: N_("PDF"),
}


class ClientStatus(StrEnum):
    """Where a client record stands with Dinsos."""

    PENDING = "pending"  # self-registered, waiting for a caseworker
    VERIFIED = "verified"
    REJECTED = "rejected"
    ERASED = "erased"  # /hapus: personal fields erased, kept only for statistics


CLIENT_STATUS_LABELS: dict[ClientStatus, str] = {
    ClientStatus.PENDING: N_("⏳ Menunggu verifikasi"),
    ClientStatus.VERIFIED: N_("✅ Terverifikasi"),
    ClientStatus.REJECTED: N_("❌ Ditolak"),
    ClientStatus.ERASED: N_("🗑️ Data dihapus"),
}


class ClientOrigin(StrEnum):
    """How the client record came to be."""

    SELF = "self"
    INVITED = "invited"


class StaffRole(StrEnum):
    """What a staff member may do."""

    ADMIN = "admin"
    CASEWORKER = "caseworker"
    PARTNER = "partner"  # a partner-agency (OPD) officer: receives referrals only


ROLE_LABELS: dict[StaffRole, str] = {
    StaffRole.ADMIN: N_("Administrator"),
    StaffRole.CASEWORKER: N_("Pendamping"),
    StaffRole.PARTNER: N_("Petugas mitra OPD"),
}

# The PPKS categories (Permensos 08/2012) as msgids, so every catalog translates them. Their
# official names can hurt; clients never label themselves with one (staff set it).
PPKS_NAMES: tuple[str, ...] = (
    N_("Anak Balita Telantar"),
    N_("Anak Telantar"),
    N_("Anak yang Berhadapan dengan Hukum"),
    N_("Anak Jalanan"),
    N_("Anak dengan Kedisabilitasan"),
    N_("Anak yang Menjadi Korban Tindak Kekerasan atau Diperlakukan Salah"),
    N_("Anak yang Memerlukan Perlindungan Khusus"),
    N_("Lanjut Usia Telantar"),
    N_("Penyandang Disabilitas"),
    N_("Tuna Susila"),
    N_("Gelandangan"),
    N_("Pengemis"),
    N_("Pemulung"),
    N_("Kelompok Minoritas"),
    N_("Bekas Warga Binaan Lembaga Pemasyarakatan"),
    N_("Orang dengan HIV/AIDS"),
    N_("Korban Penyalahgunaan NAPZA"),
    N_("Korban Trafficking"),
    N_("Korban Tindak Kekerasan"),
    N_("Pekerja Migran Bermasalah Sosial"),
    N_("Korban Bencana Alam"),
    N_("Korban Bencana Sosial"),
    N_("Perempuan Rawan Sosial Ekonomi"),
    N_("Fakir Miskin"),
    N_("Keluarga Bermasalah Sosial Psikologis"),
    N_("Komunitas Adat Terpencil"),
)


def ppks_label(category: PpksCategory) -> str:
    """The category's msgid (its official Indonesian name); translate it to show it."""
    return category.name


assert tuple(c.name for c in PPKS_CATEGORIES) == PPKS_NAMES, "PPKS msgids differ from the CSV"
