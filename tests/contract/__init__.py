"""Contract tests: socialreg's GitHub requests checked against GitHub's own OpenAPI description."""
