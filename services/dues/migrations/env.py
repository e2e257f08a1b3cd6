from services.dues.models import metadata
from services.shared.migrations import run_env

run_env(metadata)
