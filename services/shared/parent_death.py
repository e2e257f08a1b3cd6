"""A child process that dies with its parent, even when the parent is killed with SIGKILL
(Linux's PR_SET_PDEATHSIG): the launcher's children, the gateway's worker processes."""
import ctypes
import signal
import sys

PR_SET_PDEATHSIG = 1

# Loaded at import, not in a forked child: dlopen after fork in a threaded parent can deadlock.
_prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform == "linux" else None


def die_with_parent() -> None:
    """SIGKILL this process when its parent (the thread that forked it) ends; elsewhere nothing."""
    if _prctl is not None:
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
