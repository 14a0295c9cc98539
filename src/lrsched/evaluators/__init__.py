"""The evaluators: each walks a tree with the rules in the registry. ``scalar`` compiles
``s(k)``, ``array`` evaluates whole arrays of steps (NumPy, JAX, torch), ``bounds`` gives
``value_range``."""
