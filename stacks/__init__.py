"""The Pulumi program (``__main__.py``), its stack configs, and its offline renderer.

``config`` reads stack files, ``render`` runs the program offline under Pulumi's mocks,
``state`` is the release state the program receives. This module re-exports nothing,
so reading a stack file never loads the program and its components.
"""
