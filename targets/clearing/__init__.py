"""The clearing-house mock: the interbank scheme (pacs.008 in, pacs.002-style answers out).

`scheme` holds the pure book of messages; `app` serves it over HTTP; `python -m
targets.clearing` runs it. It stands for the other banks' network, so it keeps its log in memory.
"""
