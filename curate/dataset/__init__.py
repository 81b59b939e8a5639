"""Reading dataset versions: a version at a git revision (versions), record diffs between
versions (diff, diff_changes, diff_dist, diff_fetch). The quality report lives in curate/report/.
"""
