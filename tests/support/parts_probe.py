"""A service with one timer and nothing else, run as a background part by
tests/integration/test_batch_priority.py (no database, no broker)."""
from nameko.timer import timer

from services.shared.service_parts import part


class Probe:
    name = "probe"

    @timer(interval=60)
    def tick(self):
        pass


probe_background = part(Probe, "background")
