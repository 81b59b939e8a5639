"""Step 2, cleaning: text repair and the lifting of dateline, byline, credits and tickers into
fields (rules, signoff, tickers), and its stage.
"""
