"""Readers: one raw file in, records (or rejected records with a reason) out. Never raises.

Interface (owned by the readers helper; the pipeline calls only these):
    iter_raw_files(raw_root) -> sorted relative POSIX paths of every regular file under raw_root
    read_file(path, raw_root, params: IngestParams) -> list[Record | Rejected]
"""
