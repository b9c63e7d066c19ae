"""Checking records: the schema, the rules, and the words their findings are said in."""
