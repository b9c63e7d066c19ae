"""Adopting the template: `socialreg init`, and the files generated from the org/ files."""
