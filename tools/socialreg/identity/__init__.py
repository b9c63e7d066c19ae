"""Proof of identity: the platform catalogue, address and handle normalisation, look-alikes."""
