"""Step 5, validation: the record contract and corpus rules (rules, pandera), the generated
schemas, publishing shards/manifest/metrics (publish), and its stage.
"""
