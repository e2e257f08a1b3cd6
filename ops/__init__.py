"""Operator commands: backup and restore (python -m ops.backup / ops.restore)."""
