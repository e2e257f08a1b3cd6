"""What other code may import from the member service (the gateway's forms, sheets and cards):
the info-set specs, the basic fields' labels, the member import sheets' columns (the 党员信息集采集表's
a sheet a set) and what 回退 and 找回 mean. Everything else is internal."""
from services.shared.member_sheet import (
    APPLICANT_IMPORT_COLUMNS,
    DEVELOPMENT_IMPORT_COLUMNS,
    HISTORY_EXAMPLE,
    HISTORY_IMPORT_COLUMNS,
    IMPORT_COLUMNS,
)

from .domain.applicants import ALL_STAGE_NAMES as PIPELINE_STAGE_NAMES
from .domain.applicants import LABELS as APPLICANT_LABELS
from .domain.applicants import STAGE_NAMES, STAGES
from .domain.development import VERSIONS as _VERSIONS
from .domain.development.forms import step_forms
from .domain.development.rules import PHASES as PHASE_NAMES
from .domain.development_import import STEPS as IMPORT_STEPS
from .domain.history_import import KINDS as HISTORY_KINDS
from .domain.id_number import IdNumberError, parse_id_number
from .domain.info_import import COLUMNS as INFO_COLUMNS
from .domain.info_import import INFO_WORKBOOK
from .domain.info_import import REPORT_COLUMNS as INFO_REPORT_COLUMNS
from .domain.info_import import SHEETS as INFO_SHEETS
from .domain.info_sets import BATCH_SETS, CODE, INFO_SETS, NUMBER, YEAR
from .domain.member_check import LABELS as BASIC_LABELS
from .domain.status import RESTORE_MEANING, UNDO_MEANING, leave_undone, restore_counts_as, restore_hint

# 发展党员: each step of the newest rule version with its form's fields (the API's step names, the pages).
STEP_FORMS = step_forms(_VERSIONS[-1])

__all__ = ["APPLICANT_IMPORT_COLUMNS", "APPLICANT_LABELS", "BASIC_LABELS", "BATCH_SETS", "CODE",
           "DEVELOPMENT_IMPORT_COLUMNS", "HISTORY_EXAMPLE", "HISTORY_IMPORT_COLUMNS", "HISTORY_KINDS",
           "IMPORT_COLUMNS", "IMPORT_STEPS", "INFO_COLUMNS", "INFO_REPORT_COLUMNS", "INFO_SHEETS", "INFO_WORKBOOK",
           "NUMBER", "INFO_SETS", "IdNumberError", "PHASE_NAMES", "PIPELINE_STAGE_NAMES", "RESTORE_MEANING", "STAGES",
           "STAGE_NAMES", "STEP_FORMS", "UNDO_MEANING", "YEAR", "leave_undone", "parse_id_number", "restore_counts_as",
           "restore_hint"]
