"""claimcheck: citations and claim checks for the evidence-checked TRD guide.

Pure functions and dataclasses, free of MkDocs: Markdown → `Document`
(document.py) → citations (citations.py) and statistics (quantities.py) →
checked against the `Bibliography` (bibliography.py, check.py) → `Problem`s →
reports (report.py) and HTML (render.py). markdown_ext.py renders citations as
a Python-Markdown extension, for any generator that runs one (MkDocs, Zensical);
hooks/claimcheck_hooks.py adds what only MkDocs needs; cli.py runs it as a plain command.
"""
