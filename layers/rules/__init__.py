"""Rules every store backend applies alike, one job per module.

A backend stores what these functions return and draws the ``number`` of a layer with a
sequence inside its write transaction; everything else about a row is decided here, so
the GeoPackage, memory and PostGIS backends accept and refuse exactly the same input.

- ``areas``: area ids and boundaries.
- ``geometry``: what geometry each layer takes, and which of its tables stores it.
- ``rows``: the values of a new or changed row, coerced and checked.
- ``copies``: what a copy of an area carries and what a paste may store.
- ``decoding``: stored values read back as typed Python values.
- ``changelog``: the change log's entries.

The errors they raise are made in ``layers.errors``.
"""
