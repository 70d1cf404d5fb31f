"""One home for the Vietnamese words of the catalog's codes: each table covers its enum exactly, and
the labels derived from the schemas are the schemas' own words."""

from __future__ import annotations

from enum import StrEnum

import pytest

from generator import schemadoc, vocabulary
from generator.model import entities as m

TABLES = [
    (vocabulary.APPLICANTS, m.ApplicantType),
    (vocabulary.PROCEDURE_TYPES, m.ProcedureType),
    (vocabulary.UNITS, m.TimeUnit),
    (vocabulary.CHANNELS, m.ChannelKind),
    (vocabulary.ONLINE_LEVELS, m.OnlineLevel),
    (vocabulary.ONLINE_SHORT, m.OnlineLevel),
    (vocabulary.STATUSES, m.ProcedureStatus),
    (vocabulary.TASK_STATUSES, m.TaskStatus),
    (vocabulary.CSV_CHANNELS, m.ChannelKind),
    (vocabulary.CSV_ONLINE_LEVELS, m.OnlineLevel),
    (vocabulary.FEE_KINDS, m.FeeKind),
    (vocabulary.PORTAL_CHANNEL_CODES, m.ChannelKind),
    (vocabulary.PORTAL_UNITS, m.TimeUnit),
    (vocabulary.PORTAL_PROCEDURE_TYPES, m.ProcedureType),
    (vocabulary.PORTAL_APPLICANTS, m.ApplicantType),
]


@pytest.mark.parametrize(("table", "enum"), TABLES, ids=lambda v: getattr(v, "__name__", ""))
def test_every_table_covers_its_enum_exactly(table: dict[str, str], enum: type[StrEnum]) -> None:
    assert list(table) == [e.value for e in enum]
    assert all(label.strip() == label and label for label in table.values())


def test_derived_labels_are_the_schemas_words() -> None:
    assert vocabulary.APPLICANTS["organization"] == "Tổ chức (không bao gồm doanh nghiệp, hợp tác xã)"
    assert vocabulary.APPLICANTS["party_organization"] == "Tổ chức Đảng"
    schema = schemadoc.enum_labels("procedure", ("applicant_types", "*"))
    assert {k: v.lower() for k, v in vocabulary.APPLICANTS.items()} == {
        k: v.lower() for k, v in schema.items()
    }
    assert vocabulary.UNITS == {
        "working_days": "ngày làm việc",
        "days": "ngày",
        "hours": "giờ",
        "months": "tháng",
        "unknown": "(bản ghi không ghi đơn vị)",
    }
    assert vocabulary.PROCEDURE_TYPES["other"] == "Loại khác"


def test_the_site_and_the_exports_read_the_one_table() -> None:
    from generator.export import export_csv, export_national
    from generator.site import labels

    assert labels.APPLICANTS is vocabulary.APPLICANTS and labels.CHANNELS is vocabulary.CHANNELS
    assert export_csv.APPLICANT_NAMES is export_national.APPLICANT_NAMES is vocabulary.PORTAL_APPLICANTS
    assert export_csv.UNITS is labels.UNITS is vocabulary.UNITS
