"""The front door: argument parsing, commands and the suite; the only place that exits."""
