"""Checking records: the schemas, their messages and the policy's settings."""
