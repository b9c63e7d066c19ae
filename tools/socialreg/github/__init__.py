"""Everything socialreg asks of GitHub: the API, the approval gate and the pull request bot."""
