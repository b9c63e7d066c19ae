"""The published registry site: the public view of the records, its pages and its downloads."""
