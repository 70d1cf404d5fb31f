"""Importers that turn outside sources into catalog YAML.

``dvcqg``: records of the National Public Service Portal (Cổng Dịch vụ công quốc gia) → one
procedure file per record plus one decision file per publishing decision. ``xlsx``: compares the
portal's "Danh sách TTHC" spreadsheets with a catalog folder.
"""

from __future__ import annotations
