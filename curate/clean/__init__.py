"""Step 2, cleaning: text repair and the lifting of dateline, agency, byline, credits and tickers
into fields (rules, header, signoff, tickers), read from the publisher conventions table
(conventions, compiled by publishers), and its stage.
"""
