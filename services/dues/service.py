"""The dues service (党费): boots with its schema and health; dues come with their issue."""
from nameko.rpc import rpc

from services.shared.db import Database
from services.shared.health import health_report


class DuesService:
    name = "dues"
    db = Database()

    @rpc
    def health(self):
        return health_report(self.name, self.db)
