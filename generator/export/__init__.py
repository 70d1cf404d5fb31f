"""The open-data exports: JSON, CSV, JSON-LD, the national record shape, the OpenAPI description and the
published schemas, written atomically beside the site (``catalog export``)."""
