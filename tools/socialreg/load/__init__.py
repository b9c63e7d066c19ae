"""Reading a registry repository: YAML with positions, the records, the index, the Git base."""
