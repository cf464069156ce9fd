"""OGC API – Features at ``/ogc/``: safewalk's layers as a live service for QGIS and ArcGIS.

- ``service``: the routes, who calls (HTTP Basic or a login's token) and the answers;
- ``params``: the query parameters, checked (``bbox``, ``datetime``, ``crs``, ``limit``, …);
- ``documents``: the landing page, conformance, collections and the OpenAPI description.

Which collections exist, what an account sees of them and their pages:
``walks.exchange.collections``; features written as GeoJSON: ``gis.geojson``.
"""
