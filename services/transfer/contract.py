"""What other code (the gateway) may import from the transfer service: its code tables, the
work lists and the letter's fields."""
from .domain.codes import (  # noqa: F401
    ACTION_NAMES,
    FROM_KINDS,
    HISTORY_ACTIONS,
    KINDS,
    MEMBER_KINDS,
    STATE_NAMES,
    STEP_STATE_NAMES,
    TRANSFER_REASONS,
    WORK_BOXES,
)
from .domain.letter import LETTER_FIELDS  # noqa: F401
from .domain.mobility import (  # noqa: F401, E402
    DESTINATION_KINDS,
    DIRECTIONS,
    INFLOW_STATES,
    LOST_REASONS,
    OUTFLOW_REASONS,
    OUTFLOW_STATES,
)
from .domain.validation import DEFAULT_VALID_DAYS, MAX_VALID_DAYS  # noqa: F401
