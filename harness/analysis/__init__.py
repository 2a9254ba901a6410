"""Judgement of a stored run: checks, verdicts, the result and the JUnit file."""
