"""The website: the catalog rendered as Markdown/HTML pages for Material for MkDocs.

``context`` indexes the typed model (:mod:`generator.model`) as the pages need it; ``pages`` turns it
into page sources and ``search`` into the search index (pure, no MkDocs); ``plugin`` hands them to
MkDocs; ``build`` runs a whole build atomically.
"""
