"""Runtimes start the mock bank somewhere (processes, containers) and apply process-level faults."""
