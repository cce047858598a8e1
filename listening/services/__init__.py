"""Writes of the listening channels, one module per concern; import from the submodules."""
