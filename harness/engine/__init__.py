"""One live run: the timeline of faults, the abort watch, progress, the exports it collects."""
