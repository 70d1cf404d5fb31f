"""Stage 2 of the pipeline: find and parse the catalog files strictly, check them against the schemas
and the cross-file rules, and build the model (``generator.model``) of a valid catalog."""
