"""Step 3, deduplication: story versions, exact and near duplicates (near_dup: MinHash/LSH),
the decisions, and its stage.
"""
