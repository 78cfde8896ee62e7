"""The ``newsetl`` commands, one module per group (``flows.cli`` parses the flags and calls them).

- ``options``: what every command shares: its settings, its verbosity, its sources checked
- ``run``: ``newsetl run``
- ``scheduling``: ``newsetl server`` and ``newsetl serve``
- ``tables``: ``newsetl query``, ``models``, ``report``, ``check``, ``repair``, ``publish``

This package imports nothing: each command module is imported by ``flows.cli``.
"""
