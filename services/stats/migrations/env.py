from services.shared.migrations import run_env
from services.stats.models import metadata

run_env(metadata)
