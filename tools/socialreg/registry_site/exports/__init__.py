"""The registry's downloads: JSON, CSV, iCalendar and Atom, each made from the public view."""
