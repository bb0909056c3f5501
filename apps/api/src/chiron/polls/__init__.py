"""Readiness polls: the director asks, each listed station answers GO / NO-GO."""
