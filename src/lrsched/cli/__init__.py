"""The ``lrsched`` command: ``show``, ``table`` and ``plot`` (``main``), with its chart,
plot and summary helpers."""
