"""The scheduled audit: what time has broken or will break, and the issues that say so."""
