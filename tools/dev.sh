#!/usr/bin/env bash
# Set up safewalk on a fresh Debian machine (Python 3.11+) and start the app or run the tests.
#   bash tools/dev.sh app    install, then start the app on the default workspace
#   bash tools/dev.sh test   install, then run linters, type checks and the whole test suite
#   bash tools/dev.sh fast   install, then run the tests that need neither Chromium nor PostgreSQL
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
venv=.venv

ensure_python() {
  if ! command -v "$python" >/dev/null 2>&1 \
      || ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "safewalk needs Python 3.11 or newer as '$python' (set PYTHON=... to choose one)." >&2
    exit 1
  fi
}

ensure_venv() {
  if [ ! -x "$venv/bin/python" ]; then
    if ! "$python" -m venv "$venv" 2>/dev/null; then
      # Debian ships venv separately; we are root on a fresh machine.
      rm -rf "$venv"
      apt-get -o DPkg::Lock::Timeout=600 update -qq
      apt-get -o DPkg::Lock::Timeout=600 install -y -qq python3-venv >/dev/null
      "$python" -m venv "$venv"
    fi
  fi
  # Reinstall only when the dependency list changed.
  stamp="$venv/.safewalk-installed"
  wanted=$(sha256sum pyproject.toml | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
    # uv installs the same packages from PyPI in about a third of pip's time (18 s against
    # 44 s on a two-core machine); pip does it where uv cannot be had. Compiled at install,
    # not left to each import: with PYTHONDONTWRITEBYTECODE set, as on CI's machines, every
    # process would compile again.
    if "$venv/bin/python" -m pip install --quiet uv \
        && "$venv/bin/uv" pip install --quiet --python "$venv/bin/python" --compile-bytecode \
          -e '.[test]'; then
      :
    else
      echo "uv could not install the packages; pip does it" >&2
      "$venv/bin/python" -m pip install --quiet --upgrade pip
      "$venv/bin/python" -m pip install --quiet -e '.[test]'
    fi
    echo "$wanted" > "$stamp"
  fi
}

ensure_test_tools() {
  # Debian's GDAL (3.6 on bookworm) and its GeoPackage validator check that the area files
  # open in the district's older GIS tools; Debian's Chromium runs the end-to-end tests
  # (Playwright drives it; no browser is downloaded); PostgreSQL with PostGIS runs the
  # database backend's tests. ``ensure_test_tools fast``: GDAL only.
  missing=""
  command -v ogrinfo >/dev/null 2>&1 || missing="$missing gdal-bin"
  [ -f /usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py ] \
    || missing="$missing python3-gdal"
  if [ "${1:-}" != fast ]; then
    [ -x /usr/bin/chromium ] || missing="$missing chromium"
    # PostgreSQL with PostGIS: the tests start a throw-away server of their own.
    ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1 \
      || missing="$missing postgresql-15-postgis-3"
  fi
  if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      apt-get -o DPkg::Lock::Timeout=600 update -qq
      DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq $missing \
        >/dev/null
    else
      echo "note:$missing missing and not root; their tests will be skipped" >&2
    fi
  fi
}

# Three pytest-xdist workers on the two cores of the machines and CI: much of the suite waits
# on subprocesses (the app, PostgreSQL, Chromium), and with two workers a core stood idle a
# third of the time (the whole suite: 8 min 6 s with two, 6 min 29 s with three, one run each
# on the same machine). Each worker has its own temporary folders, seeded workspace and
# PostgreSQL server. A later -n in the arguments wins (-n 0: one process).
workers=(-n 3 --dist worksteal)

case "${1:-}" in
  app)
    ensure_python
    ensure_venv
    shift
    exec "$venv/bin/streamlit" run app.py --server.headless true --browser.gatherUsageStats false "$@"
    ;;
  test)
    ensure_python
    # Debian's packages install while the Python packages do and the linters run (on a new
    # machine both mostly wait on downloads); the tests start once both are there.
    ensure_test_tools &
    tools=$!
    ensure_venv
    "$venv/bin/ruff" check .
    "$venv/bin/ruff" format --check .
    # The type check (20 s of a processor on a new machine, with no cache) runs beside the
    # tests, at the lowest priority: it takes what they leave while they wait on the app,
    # Chromium and PostgreSQL. Its findings are shown after the tests', and fail the run.
    types=$(mktemp)
    nice -n 19 "$venv/bin/mypy" >"$types" 2>&1 &
    typing=$!
    wait "$tools"
    shift
    status=0
    "$venv/bin/pytest" "${workers[@]}" "$@" || status=$?
    typed=0
    wait "$typing" || typed=$?
    cat "$types"
    rm -f "$types"
    if [ "$typed" != 0 ]; then
      echo "mypy found problems (above)" >&2
      [ "$status" != 0 ] || status=$typed
    fi
    exit "$status"
    ;;
  fast)
    ensure_python
    ensure_venv
    ensure_test_tools fast
    shift
    exec "$venv/bin/pytest" "${workers[@]}" -m "not browser and not postgis" "$@"
    ;;
  *)
    echo "usage: bash tools/dev.sh app|test|fast [extra arguments]" >&2
    exit 2
    ;;
esac
