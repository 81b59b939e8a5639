"""Checking new articles against the corpus with the pipeline's own functions (core), and
adding the accepted ones to corpus/raw (add).
"""
