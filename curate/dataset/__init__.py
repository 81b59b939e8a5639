"""Reading dataset versions: a version at a git revision (versions), quality reports, record
diffs between versions.
"""
