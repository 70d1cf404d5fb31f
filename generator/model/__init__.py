"""Stage 3 of the pipeline: the validated catalog as frozen, typed dataclasses (:mod:`.entities`),
built once (:func:`.catalog.build`) and read by the site and the exports."""

from __future__ import annotations

from .catalog import Catalog, build, procedure, unmodellable
from .entities import (
    Agency,
    AgencyKind,
    ApplicantType,
    Channel,
    ChannelKind,
    Decision,
    DecisionScope,
    Document,
    DossierCase,
    EntryStatus,
    Fee,
    FeeKind,
    LegalBasis,
    LegalDocument,
    Level,
    ListEntry,
    ListStatus,
    LocationIndependentList,
    OnlineLevel,
    Plan,
    Procedure,
    ProcedureStatus,
    ProcedureType,
    ProcessingTime,
    Province,
    Sector,
    ServicePoint,
    Task,
    TaskStatus,
    TimeUnit,
)

__all__ = [
    "Agency", "AgencyKind", "ApplicantType", "Catalog", "Channel", "ChannelKind", "Decision", "DecisionScope",
    "Document", "DossierCase", "EntryStatus", "Fee", "FeeKind", "LegalBasis", "LegalDocument", "Level",
    "ListEntry", "ListStatus", "LocationIndependentList", "OnlineLevel", "Plan", "Procedure",
    "ProcedureStatus", "ProcedureType", "ProcessingTime", "Province", "Sector", "ServicePoint", "Task",
    "TaskStatus", "TimeUnit", "build", "procedure", "unmodellable",
]
