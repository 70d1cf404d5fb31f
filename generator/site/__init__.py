"""The website: the catalog rendered as Markdown/HTML pages for Material for MkDocs.

``pages`` turns the model into page sources (pure, no MkDocs); ``hooks`` hands them to MkDocs;
``build`` runs a whole build atomically.
"""
