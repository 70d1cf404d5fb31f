"""The catalog's entities as frozen, typed dataclasses: one class per schema object, one field per key.

Field names are the YAML keys (so ``p.name`` reads the same in a template as in the file); an
optional key is ``X | None = None``, an optional list ``tuple[X, ...] = ()``. Enums are the schemas'
enums (``tests/test_model.py`` checks that they match). Whether an entity is shown in a normal or a
preview build is decided here, once, for the site and the exports alike.

To add a schema field: add it to the schema and one line here; :mod:`generator.model.records`
reads it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

# Set by the model's builder, not read from the file.
_CALLER: dict[str, Any] = {"caller": True}


def _given() -> Any:
    return field(default=None, metadata=_CALLER, compare=False, repr=False)


class ProcedureStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    ABOLISHED = "abolished"
    DRAFT = "draft"


class ProcedureType(StrEnum):
    DETAILED_BY_LAW = "detailed_by_law"
    NOT_DELEGATED = "not_delegated"
    OTHER = "other"


class ApplicantType(StrEnum):
    CITIZEN = "citizen"
    OVERSEAS_VIETNAMESE = "overseas_vietnamese"
    FOREIGNER = "foreigner"
    BUSINESS = "business"
    FOREIGN_INVESTED_BUSINESS = "foreign_invested_business"
    COOPERATIVE = "cooperative"
    ORGANIZATION = "organization"
    FOREIGN_ORGANIZATION = "foreign_organization"
    PUBLIC_SERVANT = "public_servant"
    PARTY_MEMBER = "party_member"
    PARTY_ORGANIZATION = "party_organization"


class OnlineLevel(StrEnum):
    FULL = "full"
    PARTIAL = "partial"
    NONE = "none"
    UNKNOWN = "unknown"  # an online channel, but the record does not say which level


class ChannelKind(StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    POSTAL = "postal"


class TimeUnit(StrEnum):
    WORKING_DAYS = "working_days"
    DAYS = "days"
    HOURS = "hours"
    MONTHS = "months"
    UNKNOWN = "unknown"  # the record gives a bare number


class FeeKind(StrEnum):
    FEE = "fee"
    CHARGE = "charge"


class AgencyKind(StrEnum):
    PEOPLES_COMMITTEE = "peoples_committee"
    DEPARTMENT = "department"
    OFFICE = "office"
    INSPECTORATE = "inspectorate"
    POLICE = "police"
    CENTRAL_BRANCH = "central_branch"
    SERVICE_CENTER = "service_center"
    PUBLIC_SERVICE_UNIT = "public_service_unit"
    ENTERPRISE = "enterprise"
    COLLECTIVE = "collective"
    EXTERNAL = "external"


class DecisionScope(StrEnum):
    NATIONAL = "national"
    PROVINCIAL = "provincial"


class ListStatus(StrEnum):
    APPROVED = "approved"
    PROPOSED = "proposed"
    SUPERSEDED = "superseded"


class EntryStatus(StrEnum):
    APPROVED = "approved"
    PROPOSED = "proposed"


class TaskStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    NOT_REPORTED = "not_reported"


class LegalRole(StrEnum):
    IMPLEMENTS = "implements"
    CITED = "cited"


# ---------------------------------------------------------------------------------------------
# Procedures


@dataclass(frozen=True, slots=True)
class Fee:
    kind: FeeKind | None = None
    amount: int | None = None
    text: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class ProcessingTime:
    value: int | float | None = None
    unit: TimeUnit | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class Channel:
    channel: ChannelKind
    case: str | None = None
    processing_time: ProcessingTime | None = None
    fees: tuple[Fee, ...] = ()
    description: str | None = None


@dataclass(frozen=True, slots=True)
class StepGroup:
    items: tuple[str, ...]
    case: str | None = None


@dataclass(frozen=True, slots=True)
class Form:
    name: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Document:
    name: str
    form: Form | None = None
    originals: int | None = None
    copies: int | None = None
    quantity_text: str | None = None
    reusable: bool | None = None
    reuse_source: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class DossierCase:
    documents: tuple[Document, ...]
    case: str | None = None


@dataclass(frozen=True, slots=True)
class ProcedureResult:
    name: str
    code: str | None = None


@dataclass(frozen=True, slots=True)
class LegalBasis:
    title: str
    number: str | None = None
    issuer: str | None = None
    issued_on: str | None = None
    effective_on: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class ProcedureAgencies:
    implementing: tuple[str, ...]
    competent: tuple[str, ...] = ()
    authorised: tuple[str, ...] = ()
    coordinating: tuple[str, ...] = ()
    external: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Postal:
    receive: bool | None = None
    return_results: bool | None = None


@dataclass(frozen=True, slots=True)
class ImportNote:
    field: str
    kind: str
    note: str


@dataclass(frozen=True, slots=True)
class Local:
    service_points: tuple[str, ...] = ()
    fees: tuple[Fee, ...] = ()
    notes: str | None = None
    keywords: tuple[str, ...] = ()  # the province's own search words, beside the national keywords


@dataclass(frozen=True, slots=True)
class Procedure:
    code: str
    name: str
    status: ProcedureStatus
    levels: tuple[str, ...]
    sector: str
    agencies: ProcedureAgencies
    online_level: OnlineLevel
    decision: str
    last_verified: str | None = None  # absent until a person verifies the procedure
    description: str | None = None
    effective_from: str | None = None
    effective_to: str | None = None
    procedure_type: ProcedureType | None = None
    applicant_types: tuple[ApplicantType, ...] = ()
    receiving_address: str | None = None
    steps: tuple[StepGroup, ...] = ()
    channels: tuple[Channel, ...] = ()
    dossier: tuple[DossierCase, ...] = ()
    dossier_sets: int | None = None
    results: tuple[ProcedureResult, ...] = ()
    legal_basis: tuple[LegalBasis, ...] = ()
    conditions: str | None = None
    postal: Postal | None = None
    national_portal_url: str | None = None
    keywords: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    import_notes: tuple[ImportNote, ...] = ()
    local: Local | None = None
    sample: bool = False
    # The file it was read from (``catalog/procedures/<folder>/<code>.yaml``) and its folder.
    file: str = _given()
    folder: str = _given()

    def has_page(self, preview: bool) -> bool:
        """Draft procedures appear only in preview builds; all others have a page (abolished ones too,
        so that old links keep working, with a banner)."""
        return preview or self.status != ProcedureStatus.DRAFT

    def is_listed(self, preview: bool) -> bool:
        """Shown in the site's indexes and search: a page, and not abolished."""
        return self.has_page(preview) and self.status != ProcedureStatus.ABOLISHED

    def is_published(self, preview: bool) -> bool:
        """In the open-data exports: active procedures; a preview adds the drafts."""
        return self.status == ProcedureStatus.ACTIVE or (preview and self.status == ProcedureStatus.DRAFT)

    @property
    def is_preview(self) -> bool:
        """Published only in a preview build (then marked so)."""
        return self.status != ProcedureStatus.ACTIVE


# ---------------------------------------------------------------------------------------------
# Reference data


@dataclass(frozen=True, slots=True)
class Level:
    id: str
    name: str
    national_code: int
    since: str | None = None
    until: str | None = None


@dataclass(frozen=True, slots=True)
class Predecessor:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class SiteInfo:
    title: str
    description: str
    url: str
    sample: bool = False


@dataclass(frozen=True, slots=True)
class Contact:
    name: str
    address: str
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    sample: bool = False


@dataclass(frozen=True, slots=True)
class GitHub:
    org: str
    provincial_team: str
    sample: bool = False


@dataclass(frozen=True, slots=True)
class Province:
    code: str
    name: str
    full_name: str
    formed_on: str
    predecessors: tuple[Predecessor, ...]
    levels: tuple[Level, ...]
    site: SiteInfo
    contact: Contact
    github: GitHub
    sample: bool = False


@dataclass(frozen=True, slots=True)
class Sector:
    id: str
    name: str
    code: str | None = None
    ministry: str | None = None
    portal_names: tuple[str, ...] = ()
    responsible: Mapping[str, str] | None = None  # level id → agency id
    description: str | None = None
    created_by_import: bool = False
    sample: bool = False


@dataclass(frozen=True, slots=True)
class Agency:
    id: str
    name: str
    level: str
    kind: AgencyKind
    team: str
    short_name: str | None = None
    parent: str | None = None
    portal_names: tuple[str, ...] = ()
    unit_code: str | None = None
    since: str | None = None
    until: str | None = None
    successor: str | None = None
    website: str | None = None
    created_by_import: bool = False
    sample: bool = False


@dataclass(frozen=True, slots=True)
class OpeningHours:
    days: str
    hours: str


@dataclass(frozen=True, slots=True)
class ServicePoint:
    id: str
    name: str
    level: str
    unit_code: str
    address: str
    opening_hours: tuple[OpeningHours, ...]
    agency: str | None = None
    phone: str | None = None
    email: str | None = None
    since: str | None = None
    until: str | None = None
    sample: bool = False

    @property
    def is_open(self) -> bool:
        """Still receiving dossiers (no closing date)."""
        return not self.until


@dataclass(frozen=True, slots=True)
class DecisionProcedures:
    new: tuple[str, ...] = ()
    amended: tuple[str, ...] = ()
    abolished: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Decision:
    number: str
    issuer: str
    scope: DecisionScope
    title: str | None = None
    date: str | None = None
    effective_from: str | None = None
    signer: str | None = None
    url: str | None = None
    procedures: DecisionProcedures | None = None
    sample: bool = False


# ---------------------------------------------------------------------------------------------
# Location-independent lists


@dataclass(frozen=True, slots=True)
class ListDecision:
    number: str
    date: str
    signer: str
    signer_title: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class ListEntry:
    code: str
    levels: tuple[str, ...]
    status: EntryStatus = EntryStatus.APPROVED
    note: str | None = None

    @property
    def approved(self) -> bool:
        return self.status == EntryStatus.APPROVED

    def is_shown(self, preview: bool) -> bool:
        return self.approved or preview


@dataclass(frozen=True, slots=True)
class LocationIndependentList:
    id: str
    title: str
    status: ListStatus
    entries: tuple[ListEntry, ...]
    decision: ListDecision | None = None
    proposed_by: str | None = None
    effective_from: str | None = None
    superseded_by: str | None = None
    sample: bool = False

    @property
    def approved(self) -> bool:
        return self.status == ListStatus.APPROVED

    def is_shown(self, preview: bool) -> bool:
        """Approved lists; a preview adds the proposed ones. Superseded lists are never shown."""
        return self.approved or (preview and self.status == ListStatus.PROPOSED)

    def shown_entries(self, preview: bool) -> tuple[ListEntry, ...]:
        return tuple(e for e in self.entries if e.is_shown(preview))

    def entry_is_preview(self, entry: ListEntry) -> bool:
        """An entry shown only in a preview build: on a proposed list, or proposed itself."""
        return not self.approved or not entry.approved


# ---------------------------------------------------------------------------------------------
# Plans


@dataclass(frozen=True, slots=True)
class LegalDocument:
    number: str
    kind: str | None = None
    title: str | None = None
    issuer: str | None = None
    issued_on: str | None = None
    role: LegalRole | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Responsibility:
    agency_name: str
    agencies: tuple[str, ...]
    duties: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Milestone:
    text: str
    date: str


@dataclass(frozen=True, slots=True)
class Deadline:
    text: str
    date: str | None = None
    milestones: tuple[Milestone, ...] = ()


@dataclass(frozen=True, slots=True)
class Task:
    id: str
    content: str
    lead: tuple[str, ...]
    lead_agencies: tuple[str, ...]
    coordinating: tuple[str, ...]
    coordinating_agencies: tuple[str, ...]
    deadline: Deadline
    status: TaskStatus
    product: str | None = None
    note: str | None = None

    def is_overdue(self, as_of: str) -> bool:
        """Past its deadline's date (ISO dates compare as text) and reported as not done. A task whose
        status nobody reported is not called overdue: it may be done (:meth:`is_unreported_past_deadline`)."""
        return self._past_deadline(as_of) and self.status in (TaskStatus.PLANNED, TaskStatus.IN_PROGRESS)

    def is_unreported_past_deadline(self, as_of: str) -> bool:
        """Past its deadline with no report of its status: the page says so, without guessing."""
        return self._past_deadline(as_of) and self.status == TaskStatus.NOT_REPORTED

    def _past_deadline(self, as_of: str) -> bool:
        due = self.deadline.date
        return bool(due and due < as_of)


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    title: str
    tasks: tuple[Task, ...]


@dataclass(frozen=True, slots=True)
class Plan:
    id: str
    number: str
    title: str
    issuer: str
    issued_on: str
    sections: tuple[Section, ...]
    signer: str | None = None
    signer_title: str | None = None
    implements: tuple[LegalDocument, ...] = ()
    purposes: tuple[str, ...] = ()
    requirements: tuple[str, ...] = ()
    main_tasks: tuple[str, ...] = ()
    responsibilities: tuple[Responsibility, ...] = ()
    notes: str | None = None
    sample: bool = False

    @property
    def tasks(self) -> tuple[Task, ...]:
        return tuple(t for s in self.sections for t in s.tasks)


# ---------------------------------------------------------------------------------------------
# Life events (catalog/life-events.yaml): the ways in by what happens in a person's life


@dataclass(frozen=True, slots=True)
class LifeEventProcedure:
    code: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class LifeEvent:
    id: str
    title: str
    description: str
    procedures: tuple[LifeEventProcedure, ...]


@dataclass(frozen=True, slots=True)
class LifeEvents:
    events: tuple[LifeEvent, ...]
