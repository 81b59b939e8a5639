"""The cleaning rules, one unit each (curate.clean.rule.CleanRule), in modules by what they
handle: repair.py (characters), markup.py (ticker markup and wire codes), reflow.py
(paragraphs), heading.py (date line, notes, byline, dateline, agency tag), ending.py (trailers,
sign-off, closing byline). Their order is curate/clean/registry.py.
"""
