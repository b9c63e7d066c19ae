"""Loading records: YAML text to data with a place for every value."""
