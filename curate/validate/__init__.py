"""Step 5, validation: the record contract (facts per record, judged by pandera in rules) and
corpus rules, the generated schemas, publishing shards/manifest/metrics (publish), and its stage.
"""
