"""Generic spatial toolkit: CRS handling, vector I/O, GeoPackage encoding, analysis, maps."""
