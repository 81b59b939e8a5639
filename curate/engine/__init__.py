"""The engine beneath every step: streaming JSONL I/O and atomic writes (io), the stage
runner (stage), a step as an object (step), the stage caches and their key rules (cache), local
and Dask executors.
"""
