"""The model: nodes and their checks, the operators, the composites they build, the
registry of node classes and rules, and the seam where the layers above plug in."""
