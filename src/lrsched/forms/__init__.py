"""The text and dict forms of a schedule: ``parse`` and ``to_dict`` / ``from_dict``."""
