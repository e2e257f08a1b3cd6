"""Old path kept for the launcher's import of SERVICES; the topology is messaging/topology.py."""
from .messaging.topology import SERVICES

__all__ = ["SERVICES"]
