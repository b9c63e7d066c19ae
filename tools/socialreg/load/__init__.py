"""Reading the repository's files: YAML into data with positions, and the files themselves."""
