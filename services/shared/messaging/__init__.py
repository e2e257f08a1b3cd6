"""The messaging kit every service uses (docs/ARCHITECTURE.md, "Messaging kit"):
outbox.py (write an event with its change), relay.py (publish outbox rows), topology.py (queues
from each service's events.py), consumers.py (`@consumes` with retries and a dead-letter
queue), inbox.py (`claim`, so a redelivery changes nothing), redelivery.py (the retry/park
rules), dlq.py (list and replay parked events)."""
