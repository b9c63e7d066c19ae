"""Checking records: schemas, policy rules and what a change to them introduces."""
