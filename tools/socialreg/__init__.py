"""socialreg: policy-as-code for the official social media accounts and ad campaigns."""

__version__ = "0.1.0"
