"""Reading the log for auditors, purely: which aggregate's codec reads a stored event (`decoding`), a
one-line account of each event (`summaries`), and the stored data with its secrets masked (`redaction`).
"""
