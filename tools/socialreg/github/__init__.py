"""Everything socialreg asks of GitHub: the API facade, the approvals gate and the pull request bot."""
