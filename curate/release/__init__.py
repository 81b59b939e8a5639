"""Releasing a version: the dataset card, Croissant metadata, tag and push (build), exports
to Parquet or jsonl.gz (export).
"""
