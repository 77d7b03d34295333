"""Reviewing stored reports, for staff: derived rates, a completeness audit, what changed between
two years, which bodies and years are stored, and a report for one body over several years.

Everything here is computed from what ``Catalog`` reads (cells, findings, text and sections), so
every number it gives comes with the stored cells it was read from. Modules, one per feature:
``rates`` (实质公开率…), ``audit`` (completeness), ``outline`` (a report's six standard parts),
``changes`` (two years side by side) with ``boilerplate`` (sentences most reports carry),
``coverage`` (bodies × years) and ``dossier`` (the per-body export as .docx or .csv).
"""
