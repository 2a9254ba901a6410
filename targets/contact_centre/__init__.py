"""The bank's contact centre: agents, a queue on hold with positions, a busy signal, callbacks.

`queue` is the pure model (see its docstring for the numbers), `app` serves it over HTTP and
`python -m targets.contact_centre` runs it. Customers call it directly (no credential): it
keeps its calls in memory, as a telephone switch's live queue.
"""
