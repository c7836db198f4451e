"""claimcheck: citations and claim checks for the evidence-checked TRD guide.

Pure functions and dataclasses, free of MkDocs: Markdown → `Document`
(document.py) → citations (citations.py) and statistics (quantities.py) →
checked against the `Bibliography` (bibliography.py, check.py) → `Problem`s →
reports (report.py) and HTML (render.py). hooks/claimcheck_hooks.py adapts it
to MkDocs; cli.py runs it as a plain command.
"""
