"""Cleaning: repair the body text and lift header-like content into fields (stub; see clean helper).

Interface:
    clean_text(text, params) -> str               idempotent text normalisation
    clean_record(record, params) -> Record         text cleaned; dateline, credits, tickers, authors filled
"""
