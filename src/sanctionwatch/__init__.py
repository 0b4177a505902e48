"""sanctionwatch: open, veto-proof sanctions monitoring."""

__version__ = "0.1.0"
