"""The command line: a front door to the domain (``model/``), beside the window (``gui/``).

:mod:`cli.main` parses ``python main.py …`` and starts the window when no sub-command is given; each of
:mod:`cli.report` (import, check), :mod:`cli.store` (store, archive, backup, restore), :mod:`cli.output`
(export, verify) and :mod:`cli.summary` (summary) adds its sub-commands and is imported only when one of
them is asked for.
"""
