"""Typed clients of a running bank: the Toxiproxy API and the bank's admin API."""
