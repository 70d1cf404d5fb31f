"""The review workflow: catalog snapshots at git revisions, the reviewer's diff and its renderings, the
change feed, new-procedure scaffolding and CODEOWNERS (``catalog diff``, ``new``, ``owners``)."""
