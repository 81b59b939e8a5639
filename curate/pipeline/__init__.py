"""The steps as DVC stages: the step objects in flow order (registry), running a registered step
(run), the project lock (locking), the per-stage stats line (stats), cache pruning.
"""
