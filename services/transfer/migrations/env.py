from services.shared.migrations import run_env
from services.transfer.models import metadata

run_env(metadata)
