"""The attacks of `bench/hostile_bank.py`, one concern per module."""
