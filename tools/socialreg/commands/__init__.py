"""One module per subcommand. Each parses options and hands them to code that does the work."""
