"""Open every layer of a workspace's GeoPackages in QGIS and say what QGIS sees of each.

Run with QGIS's own Python (Debian's python3-qgis; QGIS 3.22 is what the district uses), not
in CI: ``QT_QPA_PLATFORM=offscreen /usr/bin/python3 tools/qgis_check.py WORKSPACE [-v]``.
A layer passes when QGIS opens it as a spatial layer of one geometry type in EPSG:3006 and
draws every feature it holds; ``-v`` lists the layers that pass too. Exit status 1 when any
layer does not pass.
"""

import sqlite3
import sys
from pathlib import Path

from qgis.core import QgsApplication, QgsVectorLayer, QgsWkbTypes  # type: ignore[import-not-found]


def main(folder: Path, *, verbose: bool) -> int:
    """Check every feature layer of every GeoPackage in ``folder``; return the exit status."""
    app = QgsApplication([], False)
    app.initQgis()
    bad = 0
    for gpkg in sorted(folder.glob("*.gpkg")):
        with sqlite3.connect(f"file:{gpkg}?mode=ro", uri=True) as connection:
            tables = [
                row[0]
                for row in connection.execute(
                    "SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY 1"
                )
            ]
        for table in tables:
            layer = QgsVectorLayer(f"{gpkg}|layername={table}", table, "ogr")
            kind = QgsWkbTypes.displayString(layer.wkbType())
            count = layer.featureCount()
            drawn = sum(1 for f in layer.getFeatures() if f.hasGeometry())
            ok = (
                layer.isValid()
                and layer.isSpatial()
                and layer.crs().authid() == "EPSG:3006"
                and kind not in ("Unknown", "NoGeometry", "")
                and drawn == count
            )
            bad += not ok
            if verbose or not ok:
                print(
                    f"{'ok ' if ok else 'BAD'} {gpkg.name}:{table}: {kind}, "
                    f"{layer.crs().authid() or 'no CRS'}, {count} features, {drawn} drawn"
                )
    print(f"{bad} layers QGIS cannot open as typed, drawn layers")
    app.exitQgis()
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), verbose="-v" in sys.argv[2:]))
