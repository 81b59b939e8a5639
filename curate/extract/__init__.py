"""Step 4, extraction: spaCy entities and language (annotate), the finished record (finish),
and its stage.
"""
