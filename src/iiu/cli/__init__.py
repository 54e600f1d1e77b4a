"""The ``iiu`` command line."""
