"""Printable documents the gateway draws (reportlab, built-in CID fonts: no font file to ship)."""
