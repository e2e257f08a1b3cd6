"""Old path of the outbox relay, kept because the launcher runs `python -m services.shared.relay`;
the relay is services/shared/messaging/relay.py."""
import sys

from .messaging.relay import main

if __name__ == "__main__":
    sys.exit(main())
