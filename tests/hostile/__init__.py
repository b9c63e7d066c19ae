"""The hostile corpus: inputs a pull request could carry, each with the outcome it must have."""
