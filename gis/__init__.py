"""Generic spatial toolkit: CRS handling, vector I/O, GeoPackage encoding, spatial analysis, maps."""
