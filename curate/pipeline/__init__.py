"""The steps as DVC stages: running a registered step (run), the project lock (locking), the
per-stage stats line (stats), cache pruning.
"""
