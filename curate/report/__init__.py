"""The reports: the `report` step (stage.py) and `curate quality` / `curate diff` (commands.py).

quality.py folds a version's records into counters (sections.py turns them into the report's
sections, rules.py into flat metrics and `--fail-on` rules, build.py reads a version into the
report dict). quality_doc.py and diff_doc.py are each report's one model of sections, written to
Markdown, HTML and the terminal by the generic renderers of curate/render/.
"""
