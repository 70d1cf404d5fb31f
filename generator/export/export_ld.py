"""The JSON-LD context that makes a procedure's JSON read as linked data.

A procedure is a schema.org ``GovernmentService`` and a CPSV-AP ``PublicService``. Keys with an
obvious counterpart map to schema.org (name, identifier, provider, areaServed, serviceType,
keywords) or to CPSV-AP (its inputs, outputs, channels, costs, processing time, legal basis,
sector); every other key is kept as a term of the catalog's own vocabulary (``@vocab``), so a
JSON-LD processor loses nothing. The plain keys stay as they are in the catalog: a reader who
ignores ``@context`` reads ordinary JSON.
"""

from __future__ import annotations

from typing import Any

VOCAB = "https://catalog.tthc.example/vocab#"

CONTEXT: dict[str, Any] = {
    "@version": 1.1,
    "@vocab": VOCAB,
    "schema": "https://schema.org/",
    "cpsv": "http://purl.org/vocab/cpsv#",
    "cv": "http://data.europa.eu/m8g/",
    "dct": "http://purl.org/dc/terms/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    # Classes
    "GovernmentService": "schema:GovernmentService",
    "PublicService": "cpsv:PublicService",
    "GovernmentOrganization": "schema:GovernmentOrganization",
    "AdministrativeArea": "schema:AdministrativeArea",
    # schema.org
    "code": "schema:identifier",
    "id": "schema:identifier",
    "name": "schema:name",
    "description": "schema:description",
    "keywords": "schema:keywords",
    "provider": "schema:provider",
    "area_served": "schema:areaServed",
    "service_type": "schema:serviceType",
    "national_portal_url": {"@id": "schema:sameAs", "@type": "@id"},
    "url": {"@id": "schema:url", "@type": "@id"},
    "last_verified": {"@id": "schema:dateModified", "@type": "xsd:date"},
    # CPSV-AP
    "sector": "cv:sector",
    "channels": "cv:hasChannel",
    "processing_time": "cv:processingTime",
    "fees": "cv:hasCost",
    "amount": "cv:value",
    "dossier": "cpsv:hasInput",
    "documents": "cpsv:hasInput",
    "results": "cpsv:produces",
    "legal_basis": "cv:hasLegalResource",
    "title": "dct:title",
    "issued_on": {"@id": "dct:issued", "@type": "xsd:date"},
    "effective_from": {"@id": VOCAB + "effective_from", "@type": "xsd:date"},
    "effective_to": {"@id": VOCAB + "effective_to", "@type": "xsd:date"},
    "effective_on": {"@id": VOCAB + "effective_on", "@type": "xsd:date"},
    # Order matters in the steps of a procedure.
    "items": {"@id": VOCAB + "items", "@container": "@list"},
}
