"""Add safewalk's feature service to QGIS as a "WFS / OGC API – Features" connection, check it.

Run with QGIS's own Python (Debian's python3-qgis; QGIS 3.22 is what the district uses), not
in CI, against a running app (``bash tools/dev.sh app``, or ``streamlit run app.py``)::

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 tools/qgis_oapif_check.py URL COLLECTION
        [--user NAME --password PASSWORD] [--expect N]

(URL as ``http://127.0.0.1:8501/ogc/``).

It does what a QGIS user does: makes a connection of version "OGC API - Features" (its
name and password as the connection's Basic credentials, in a QGIS authentication
configuration of a throw-away authentication database), lists the collections through
QGIS's Browser (the connection's children, as the "Add layer" dialog lists them), then
loads ``COLLECTION`` through the OAPIF provider and counts what it draws. It prints what
QGIS sees: the collections listed, the layer's feature count, geometry type and CRS, the
features read with a geometry. Exit status 1 when the collection is not listed, the layer
is not valid, or (with ``--expect``) the count differs.
"""

import argparse
import os
import sys
import tempfile
import time

from qgis.core import (  # type: ignore[import-not-found]
    QgsApplication,
    QgsAuthMethodConfig,
    QgsSettings,
    QgsVectorLayer,
    QgsWkbTypes,
)


def _auth_config(user: str, password: str) -> str:
    """Return the id of a new Basic authentication configuration for ``user``."""
    manager = QgsApplication.authManager()
    manager.setMasterPassword("safewalk-check", True)
    config = QgsAuthMethodConfig()
    config.setName("safewalk")
    config.setMethod("Basic")
    config.setConfig("username", user)
    config.setConfig("password", password)
    ok, stored = manager.storeAuthenticationConfig(config)
    if not ok:
        sys.exit("could not store the authentication configuration")
    return str(stored.id())


def _listed(url: str, authcfg: str) -> dict[str, str]:
    """Return the collections QGIS's Browser lists under a connection to ``url``: id → title."""
    settings = QgsSettings()
    settings.setValue("qgis/connections-wfs/safewalk/url", url)
    settings.setValue("qgis/connections-wfs/safewalk/version", "OGC_API_FEATURES")
    settings.setValue("qgis/WFS/safewalk/authcfg", authcfg)
    provider = next(
        p for p in QgsApplication.dataItemProviderRegistry().providers() if p.name() == "WFS"
    )
    root = provider.createDataItem("", None)
    connection = next(c for c in root.createChildren() if c.name() == "safewalk")
    listed = {}
    for item in connection.createChildren():
        typename = item.uri().split("typename='", 1)[-1].split("'", 1)[0]
        listed[typename] = item.name()
    del connection, root  # the Browser's items, before QGIS goes
    return listed


def main() -> int:
    """Check the service as the options say; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("collection")
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--expect", type=int)
    args = parser.parse_args()
    os.environ["QGIS_AUTH_DB_DIR_PATH"] = tempfile.mkdtemp(prefix="safewalk-qgis-auth-")
    app = QgsApplication([], False)
    app.initQgis()
    authcfg = _auth_config(args.user, args.password) if args.user else ""
    started = time.perf_counter()
    listed = _listed(args.url, authcfg)
    print(f"{len(listed)} collections listed in {time.perf_counter() - started:.1f} s")
    found = args.collection in listed
    print(f"{args.collection} listed: {found} ({listed.get(args.collection)})")
    uri = f"url='{args.url}' typename='{args.collection}'"
    if authcfg:
        uri += f" authcfg='{authcfg}'"
    started = time.perf_counter()
    layer = QgsVectorLayer(uri, args.collection, "OAPIF")
    count = layer.featureCount()
    drawn = sum(1 for f in layer.getFeatures() if f.hasGeometry())
    took = time.perf_counter() - started
    kind = QgsWkbTypes.displayString(layer.wkbType())
    print(f"valid {layer.isValid()}, {count} features, {kind}, {layer.crs().authid()}, "
          f"{drawn} read with a geometry in {took:.1f} s")  # fmt: skip
    if layer.isValid():
        print(f"fields: {', '.join(f.name() for f in layer.fields())}")
    ok = found and layer.isValid() and drawn == count
    if args.expect is not None:
        ok = ok and count == args.expect
    del layer  # before QGIS goes: a layer left behind makes its exit crash
    app.exitQgis()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
