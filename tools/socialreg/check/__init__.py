"""Checking loaded records: schemas, policy settings, the rules engine, waivers, the pipeline."""
