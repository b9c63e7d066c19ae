"""The request wizard: `socialreg new account|campaign` asks plain questions and writes a record."""
