from services.transfer.models import metadata
from services.shared.migrations import run_env

run_env(metadata)
