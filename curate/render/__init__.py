"""What people read: the one escaping rule (text), the quality report page, the diff report,
the progress bar.
"""
