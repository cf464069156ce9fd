// safewalk's phone capture page: the form, the position, and the queue that survives being offline.
// Observations are saved to IndexedDB first and sent from there, each with the uuid made when it
// was saved, so a lost response only makes the server answer the same again.
'use strict';
(() => {
  const API = '/api/v1';
  const DB_NAME = 'safewalk-capture';
  const API_CACHE = 'safewalk-capture-api';
  const LANG_KEY = 'safewalk.capture.lang';
  const CSRF_KEY = 'safewalk.capture.csrf';
  const SESSION_KEY = 'safewalk.capture.session';
  const RETRY_MS = 20000;
  const KEEP_SENT_MS = 24 * 3600 * 1000;
  const MAX_SIDE_PX = 2048;
  const OBSERVATION_WAIT_MS = 30000;
  const PHOTO_WAIT_MS = 180000; // a 2 MB photo at 500 kbit/s takes over half a minute

  const TEXTS = {
    sv: {
      title: 'Registrera',
      switch_to: 'English',
      loading: 'Laddar …',
      online: 'Ansluten',
      offline: 'Utan nät',
      login_title: 'Logga in',
      login_why: 'Logga in för att skicka dina iakttagelser. De väntar i telefonen så länge.',
      login_name: 'Användarnamn',
      login_password: 'Lösenord',
      login_button: 'Logga in',
      login_failed: 'Inloggningen misslyckades.',
      login_offline: 'Du är utan nät: logga in när anslutningen är tillbaka.',
      logged_in_as: 'Inloggad som {name}.',
      logout: 'Logga ut',
      walk: 'Trygghetsvandring',
      no_walk: 'Ingen vandring',
      walk_option: 'Nr {n}',
      walk_elsewhere: 'Vandring nr {n} hör till {area}; positionen ligger i {here}, så den här sparas utan vandring.',
      position: 'Position',
      map_label: 'Karta: tryck för att välja position',
      shape_add: 'Punkt i kartans mitt',
      shape_undo: 'Ångra punkt',
      shape_finish: 'Klar',
      shape_clear: 'Börja om',
      use_gps: 'Använd GPS',
      use_photo: 'Använd fotots position',
      area_override: 'Ändra område',
      area_follows: 'Följer positionen',
      area_follows_now: 'Följer positionen ({area})',
      where_area: 'Område: {area}',
      where_chosen: 'Område: {area} (valt)',
      where_outside: 'Positionen ligger utanför alla områden: {distance} från {area}.',
      where_none: 'Ingen position ännu: vänta på GPS eller tryck på kartan.',
      source_map: 'Vald på kartan.',
      source_photo: 'Från fotot.',
      source_shape: 'Ritad på kartan ({n} punkter).',
      gps_fix: 'GPS ±{m} m.',
      gps_poor: 'GPS ±{m} m: osäker position (mer än {limit} m). Tryck på kartan om den är fel.',
      gps_waiting: 'Väntar på GPS …',
      gps_denied: 'GPS är inte tillåten: tryck på kartan.',
      gps_missing: 'GPS saknas: tryck på kartan.',
      category: 'Kategori',
      geometry_kind: 'Form',
      kind_point: 'Punkt',
      kind_line: 'Linje',
      kind_area: 'Yta',
      shape_hint_line: 'Tryck ut linjens punkter på kartan och sedan Klar.',
      shape_hint_area: 'Tryck ut ytans hörn på kartan och sedan Klar.',
      severity: 'Allvarlighet',
      yes: 'Ja',
      no: 'Nej',
      photos: 'Foton',
      add_photo: 'Ta foto',
      photo_alt: 'Foto {n}',
      remove_photo: 'Ta bort foto {n}',
      photo_failed: 'Fotot kunde inte läsas.',
      description: 'Beskrivning',
      more_fields: 'Fler uppgifter',
      queue: 'Sparade iakttagelser',
      queue_empty: 'Inget sparat ännu.',
      statement: 'Tillgänglighetsredogörelse',
      send_now: 'Skicka nu',
      save: 'Spara',
      save_correction: 'Spara rättelse',
      saved: 'Sparad. Kategori, allvarlighet och vandring står kvar till nästa.',
      status_waiting: 'Väntar',
      status_sent: 'Skickad (nr {n})',
      status_refused: 'Avvisad ({why})',
      photos_waiting: '{n} foto väntar',
      duplicate: 'Kanske samma som nr {n} ({distance} bort).',
      photo_refused: 'Foto avvisat ({why})',
      correct: 'Rätta',
      storage_blocked: 'Stäng sidans andra flikar så att den kan uppdateras.',
      correct_named: 'Rätta {what}',
      discard: 'Ta bort',
      discard_named: 'Ta bort {what}',
      photo_again: 'Försök igen',
      photo_again_named: 'Skicka fotot till {what} igen',
      waits_for: 'Väntar på att {name} loggar in.',
      discard_confirm: 'Ta bort den här iakttagelsen från telefonen?',
      editing: 'Du rättar en avvisad iakttagelse.',
      need_category: 'Välj en kategori.',
      need_field: 'Fyll i {field}.',
      need_range: '{field} ska vara mellan {min} och {max}.',
      need_position: 'Ingen position ännu: vänta på GPS eller tryck på kartan.',
      need_line: 'Rita linjen: minst två punkter på kartan.',
      need_area: 'Rita ytan: minst tre punkter på kartan.',
      need_login: 'Logga in för att skicka.',
      sending: 'Skickar …',
      all_sent: 'Allt är skickat.',
      unreachable: 'Servern svarar inte: iakttagelserna väntar och skickas senare.',
      no_catalog: 'Kategorierna har inte laddats. Öppna sidan en gång med nät.',
      storage_failed: 'Kunde inte spara i telefonen: {why}',
      refused_status: 'HTTP {status}',
      item_time: '{category} kl. {time}',
      decimal: ',',
    },
    en: {
      title: 'Register',
      switch_to: 'Svenska',
      loading: 'Loading …',
      online: 'Online',
      offline: 'Offline',
      login_title: 'Log in',
      login_why: 'Log in to send your observations. They wait on the phone until then.',
      login_name: 'User name',
      login_password: 'Password',
      login_button: 'Log in',
      login_failed: 'Login failed.',
      login_offline: 'You are offline: log in when the connection is back.',
      logged_in_as: 'Logged in as {name}.',
      logout: 'Log out',
      walk: 'Safety walk',
      no_walk: 'No walk',
      walk_option: 'No. {n}',
      walk_elsewhere: 'Walk no. {n} belongs to {area}; the position lies in {here}, so this one is saved without a walk.',
      position: 'Position',
      map_label: 'Map: tap to choose the position',
      shape_add: 'Point at the map’s centre',
      shape_undo: 'Undo point',
      shape_finish: 'Done',
      shape_clear: 'Start over',
      use_gps: 'Use GPS',
      use_photo: "Use the photo's position",
      area_override: 'Change area',
      area_follows: 'Follows the position',
      area_follows_now: 'Follows the position ({area})',
      where_area: 'Area: {area}',
      where_chosen: 'Area: {area} (chosen)',
      where_outside: 'The position lies outside every area: {distance} from {area}.',
      where_none: 'No position yet: wait for GPS or tap the map.',
      source_map: 'Chosen on the map.',
      source_photo: 'From the photo.',
      source_shape: 'Drawn on the map ({n} points).',
      gps_fix: 'GPS ±{m} m.',
      gps_poor: 'GPS ±{m} m: uncertain position (more than {limit} m). Tap the map if it is wrong.',
      gps_waiting: 'Waiting for GPS …',
      gps_denied: 'GPS is not allowed: tap the map.',
      gps_missing: 'No GPS: tap the map.',
      category: 'Category',
      geometry_kind: 'Shape',
      kind_point: 'Point',
      kind_line: 'Line',
      kind_area: 'Area',
      shape_hint_line: "Tap the line's points on the map, then Done.",
      shape_hint_area: "Tap the area's corners on the map, then Done.",
      severity: 'Severity',
      yes: 'Yes',
      no: 'No',
      photos: 'Photos',
      add_photo: 'Take photo',
      photo_alt: 'Photo {n}',
      remove_photo: 'Remove photo {n}',
      photo_failed: 'The photo could not be read.',
      description: 'Description',
      more_fields: 'More details',
      queue: 'Saved observations',
      queue_empty: 'Nothing saved yet.',
      statement: 'Accessibility statement',
      send_now: 'Send now',
      save: 'Save',
      save_correction: 'Save correction',
      saved: 'Saved. Category, severity and walk stay for the next one.',
      status_waiting: 'Waiting',
      status_sent: 'Sent (no. {n})',
      status_refused: 'Refused ({why})',
      photos_waiting: '{n} photo(s) waiting',
      duplicate: 'Perhaps the same as no. {n} ({distance} away).',
      photo_refused: 'Photo refused ({why})',
      correct: 'Correct',
      storage_blocked: 'Close the page’s other tabs so that it can update.',
      correct_named: 'Correct {what}',
      discard: 'Discard',
      discard_named: 'Discard {what}',
      photo_again: 'Try again',
      photo_again_named: 'Send the photo of {what} again',
      waits_for: 'Waits for {name} to log in.',
      discard_confirm: 'Remove this observation from the phone?',
      editing: 'You are correcting a refused observation.',
      need_category: 'Choose a category.',
      need_field: 'Fill in {field}.',
      need_range: '{field} must be between {min} and {max}.',
      need_position: 'No position yet: wait for GPS or tap the map.',
      need_line: 'Draw the line: at least two points on the map.',
      need_area: 'Draw the area: at least three points on the map.',
      need_login: 'Log in to send.',
      sending: 'Sending …',
      all_sent: 'Everything is sent.',
      unreachable: 'The server does not answer: the observations wait and are sent later.',
      no_catalog: 'The categories have not loaded. Open the page once with a connection.',
      storage_failed: 'Could not save on the phone: {why}',
      refused_status: 'HTTP {status}',
      item_time: '{category} at {time}',
      decimal: '.',
    },
  };

  const $ = (id) => document.getElementById(id);
  const state = {
    lang: 'sv',
    catalog: null,
    areas: [],
    walks: [],
    session: null,
    csrf: null,
    gps: null,
    gpsProblem: 'gps_waiting',
    pos: null,
    photoPos: null,
    category: null,
    kind: 'point',
    vertices: [],
    shapeDone: false,
    severity: null,
    walk: null,
    areaOverride: '',
    photos: [],
    editing: null,
    items: [],
    sending: false,
    sendAgain: false,
    map: null,
  };

  // ---- texts ------------------------------------------------------------------------------
  function t(key, values) {
    const text = TEXTS[state.lang][key] ?? TEXTS.sv[key] ?? key;
    return values ? text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? '')) : text;
  }
  const title = (titles) => (titles && (titles[state.lang] || titles.sv)) || '';

  function setLanguage(lang) {
    state.lang = lang === 'en' ? 'en' : 'sv';
    localStorage.setItem(LANG_KEY, state.lang);
    document.documentElement.lang = state.lang;
    document.title = `safewalk – ${t('title')}`;
    for (const el of document.querySelectorAll('[data-t]')) el.textContent = t(el.dataset.t);
    for (const el of document.querySelectorAll('[data-t-label]')) {
      el.setAttribute('aria-label', t(el.dataset.tLabel));
    }
    $('statement').href = state.lang === 'en' ? '/accessibility' : '/tillganglighet';
    const button = $('lang');
    button.textContent = t('switch_to');
    button.lang = state.lang === 'sv' ? 'en' : 'sv';
    renderNet();
    renderAccount();
    if (state.catalog) renderForm();
    renderAreaSelect();
    renderWalks();
    renderPosition();
    renderQueue();
    $('save').textContent = t(state.editing ? 'save_correction' : 'save');
  }

  function say(text, kind) {
    const el = $('message');
    el.textContent = text;
    el.className = `message ${kind || ''}`;
  }

  function number(value, decimals) {
    return value.toFixed(decimals).replace('.', t('decimal'));
  }

  function distanceText(metres) {
    return metres < 1000 ? `${Math.round(metres)} m` : `${number(metres / 1000, 1)} km`;
  }

  function element(tag, attributes, text) {
    const el = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value !== null && value !== undefined && value !== false) el.setAttribute(name, value);
    }
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function newUuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function isoWithOffset(date) {
    const pad = (n) => String(Math.abs(Math.trunc(n))).padStart(2, '0');
    const offset = -date.getTimezoneOffset();
    const sign = offset >= 0 ? '+' : '-';
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
      `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
      `${sign}${pad(offset / 60)}:${pad(offset % 60)}`;
  }

  // ---- the queue in IndexedDB ---------------------------------------------------------------
  let dbPromise = null;
  function database() {
    dbPromise ||= new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        // Later versions add stores or indexes here; they never drop 'queue'.
        if (!request.result.objectStoreNames.contains('queue')) {
          request.result.createObjectStore('queue', { keyPath: 'uuid' });
        }
      };
      request.onsuccess = () => {
        const db = request.result;
        // A newer page (another tab, after an update) needs the database: let it have it,
        // and open it again on the next use.
        db.onversionchange = () => {
          db.close();
          dbPromise = null;
        };
        resolve(db);
      };
      request.onerror = () => reject(request.error);
      request.onblocked = () => say(t('storage_blocked'), 'warn');
    });
    return dbPromise;
  }

  async function stored(mode, action) {
    const db = await database();
    return new Promise((resolve, reject) => {
      const transaction = db.transaction('queue', mode);
      const request = action(transaction.objectStore('queue'));
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = transaction.onabort = () => reject(transaction.error);
    });
  }
  const allItems = () => stored('readonly', (s) => s.getAll());
  const putItem = (item) => stored('readwrite', (s) => s.put(item));
  const removeItem = (uuid) => stored('readwrite', (s) => s.delete(uuid));

  // ---- areas: which one a position lies in ---------------------------------------------------
  const polygonsOf = (geometry) => {
    if (!geometry) return [];
    if (geometry.type === 'Polygon') return [geometry.coordinates];
    if (geometry.type === 'MultiPolygon') return geometry.coordinates;
    return [];
  };

  function ringHas(ring, x, y) {
    let inside = false;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  }

  const areaHas = (area, x, y) => area.polygons.some(
    (rings) => ringHas(rings[0], x, y) && !rings.slice(1).some((hole) => ringHas(hole, x, y)));

  function metresTo(area, lon, lat) {
    // Metres on a local plane: plenty for a tolerance of tens of metres at this latitude.
    const kx = 111320 * Math.cos((lat * Math.PI) / 180);
    const ky = 110574;
    let best = Infinity;
    for (const rings of area.polygons) {
      for (const ring of rings) {
        for (let i = 1; i < ring.length; i++) {
          const ax = (ring[i - 1][0] - lon) * kx;
          const ay = (ring[i - 1][1] - lat) * ky;
          const bx = (ring[i][0] - lon) * kx;
          const by = (ring[i][1] - lat) * ky;
          const dx = bx - ax;
          const dy = by - ay;
          const length2 = dx * dx + dy * dy;
          const s = length2 ? Math.max(0, Math.min(1, -(ax * dx + ay * dy) / length2)) : 0;
          best = Math.min(best, Math.hypot(ax + s * dx, ay + s * dy));
        }
      }
    }
    return best;
  }

  function planarSize(area) {
    let sum = 0;
    for (const rings of area.polygons) {
      const ring = rings[0];
      for (let i = 1; i < ring.length; i++) {
        sum += ring[i - 1][0] * ring[i][1] - ring[i][0] * ring[i - 1][1];
      }
    }
    return Math.abs(sum);
  }

  function locate(lon, lat) {
    // As the server does: the smallest area holding the point, else the nearest within tolerance.
    const containing = state.areas.filter((a) => areaHas(a, lon, lat));
    if (containing.length) {
      containing.sort((a, b) => a.size - b.size);
      return { area: containing[0], distance: 0 };
    }
    let nearest = null;
    let distance = Infinity;
    for (const area of state.areas) {
      const d = metresTo(area, lon, lat);
      if (d < distance) [nearest, distance] = [area, d];
    }
    const tolerance = state.catalog?.settings?.area_tolerance_m ?? 50;
    return { area: distance <= tolerance ? nearest : null, nearest, distance };
  }

  const areaBySlug = (slug) => state.areas.find((a) => a.slug === slug) || null;

  // ---- position and shape ---------------------------------------------------------------------
  function shapeGeometry() {
    const points = state.vertices.map(([lat, lon]) => [lon, lat]);
    if (state.kind === 'line') return { type: 'LineString', coordinates: points };
    return { type: 'Polygon', coordinates: [[...points, points[0]]] };
  }

  function shapeAnchor() {
    // A point of the shape to find its area by: the middle vertex of a line, the mean of a ring.
    const v = state.vertices;
    if (!v.length) return null;
    if (state.kind === 'line') {
      const [lat, lon] = v[Math.floor((v.length - 1) / 2)];
      return { lon, lat };
    }
    return {
      lon: v.reduce((s, p) => s + p[1], 0) / v.length,
      lat: v.reduce((s, p) => s + p[0], 0) / v.length,
    };
  }

  const anchor = () => (state.kind === 'point' ? state.pos : shapeAnchor());

  function effectiveArea() {
    if (state.areaOverride) return { area: areaBySlug(state.areaOverride), chosen: true };
    const here = anchor();
    if (!here || !state.areas.length) return { area: null };
    return locate(here.lon, here.lat);
  }

  function usePosition(position, source) {
    state.pos = { ...position, source };
    renderPosition();
  }

  function onGps(fix) {
    state.gps = {
      lon: fix.coords.longitude,
      lat: fix.coords.latitude,
      accuracy_m: Math.round(fix.coords.accuracy),
    };
    state.gpsProblem = null;
    if (!state.pos || state.pos.source === 'gps') {
      const first = !state.pos;
      usePosition(state.gps, 'gps');
      if (first && state.map) state.map.setView([state.gps.lat, state.gps.lon], 16);
    } else {
      renderPosition();
    }
  }

  function onGpsError(error) {
    state.gpsProblem = error.code === 1 ? 'gps_denied' : 'gps_missing';
    renderPosition();
  }

  function watchGps() {
    if (!navigator.geolocation) {
      state.gpsProblem = 'gps_missing';
      return;
    }
    navigator.geolocation.watchPosition(onGps, onGpsError,
      { enableHighAccuracy: true, maximumAge: 5000, timeout: 60000 });
  }

  function onMapTap(event) {
    const { lat, lng } = event.latlng;
    if (state.kind === 'point') {
      usePosition({ lon: lng, lat, accuracy_m: null }, 'map');
    } else if (!state.shapeDone) {
      state.vertices.push([lat, lng]);
      renderPosition();
    }
  }

  function setText(element, text) {
    // The position's lines are live regions: written only when they change, so that a
    // screen reader does not repeat them at every GPS fix.
    if (element.textContent !== text) element.textContent = text;
  }

  function renderPosition() {
    const where = $('where');
    const gps = $('gps');
    const found = effectiveArea();
    const here = anchor();
    where.classList.remove('error');
    if (found.chosen && found.area) {
      setText(where, t('where_chosen', { area: found.area.name }));
    } else if (!here) {
      setText(where, t('where_none'));
    } else if (found.area) {
      setText(where, t('where_area', { area: found.area.name }));
    } else if (found.nearest) {
      setText(where, t('where_outside',
        { distance: distanceText(found.distance), area: found.nearest.name }));
      where.classList.add('error');
    } else {
      setText(where, '');
    }
    const limit = state.catalog?.settings?.gps_accuracy_m ?? 30;
    gps.classList.remove('warn');
    if (state.kind !== 'point') {
      setText(gps, `${t(`shape_hint_${state.kind}`)} ${t('source_shape', { n: state.vertices.length })}`);
    } else if (state.pos?.source === 'map') {
      setText(gps, t('source_map'));
    } else if (state.pos?.source === 'photo') {
      setText(gps, t('source_photo'));
    } else if (state.gps) {
      const poor = state.gps.accuracy_m > limit;
      setText(gps, t(poor ? 'gps_poor' : 'gps_fix', { m: state.gps.accuracy_m, limit }));
      gps.classList.toggle('warn', poor);
    } else {
      setText(gps, t(state.gpsProblem || 'gps_waiting'));
    }
    $('use-gps').hidden = state.kind !== 'point' || !state.gps || state.pos?.source === 'gps';
    $('use-photo').hidden = state.kind !== 'point' || !state.photoPos || state.pos?.source === 'photo';
    $('shape-tools').hidden = state.kind === 'point';
    $('shape-add').disabled = state.shapeDone;
    $('shape-undo').disabled = state.shapeDone || !state.vertices.length;
    $('shape-finish').disabled = state.shapeDone || state.vertices.length < (state.kind === 'line' ? 2 : 3);
    const follows = $('area').options[0];
    if (follows) {
      const located = !state.areaOverride && found.area;
      follows.textContent = located ? t('area_follows_now', { area: found.area.name }) : t('area_follows');
    }
    renderWalkNote(found.area);
    drawOnMap();
  }

  // ---- the map (Leaflet arrives on its own; the form does not wait for it) ----------------------
  function initMap() {
    // Leaflet measures its box: wait until the form (hidden until the catalog is in) shows.
    if (state.map || !window.L || $('observation').hidden) return;
    const L = window.L;
    const map = L.map('map', { attributionControl: false, zoomSnap: 0.5 });
    map.setView([59.36, 17.85], 12);
    state.map = map;
    state.boundaries = L.geoJSON(null, {
      interactive: false,
      style: { color: '#1d4e89', weight: 2, fillColor: '#1d4e89', fillOpacity: 0.05 },
    }).addTo(map);
    state.drawn = L.layerGroup().addTo(map);
    map.on('click', onMapTap);
    addTiles();
    drawAreas();
    drawOnMap();
    if (state.pos) map.setView([state.pos.lat, state.pos.lon], 16);
  }

  function addTiles() {
    const url = state.catalog?.settings?.tiles_url;
    if (!state.map || !url || state.tiles) return;
    state.tiles = window.L.tileLayer(url, { maxZoom: 19 }).addTo(state.map);
    if (url.includes('openstreetmap.org')) {
      window.L.control.attribution({ prefix: false })
        .addAttribution('© OpenStreetMap contributors').addTo(state.map);
    }
  }

  function drawAreas() {
    if (!state.map || !state.areaCollection) return;
    state.boundaries.clearLayers();
    state.boundaries.addData(state.areaCollection);
    if (!state.pos) {
      const bounds = state.boundaries.getBounds();
      if (bounds.isValid()) state.map.fitBounds(bounds);
    }
  }

  function drawOnMap() {
    if (!state.map) return;
    const L = window.L;
    state.drawn.clearLayers();
    const style = { color: '#b3261e', weight: 3, fillOpacity: 0.2 };
    if (state.kind === 'point' && state.pos) {
      const at = [state.pos.lat, state.pos.lon];
      if (state.pos.accuracy_m) {
        L.circle(at, { radius: state.pos.accuracy_m, color: '#1d4e89', weight: 1, fillOpacity: 0.1, interactive: false }).addTo(state.drawn);
      }
      L.circleMarker(at, { ...style, radius: 8, fillColor: '#b3261e', fillOpacity: 0.9, interactive: false }).addTo(state.drawn);
    } else if (state.kind !== 'point') {
      if (state.vertices.length > 1) {
        const shape = state.kind === 'line' || !state.shapeDone ? L.polyline : L.polygon;
        shape(state.vertices, { ...style, interactive: false }).addTo(state.drawn);
      }
      for (const vertex of state.vertices) {
        L.circleMarker(vertex, { ...style, radius: 6, fillColor: '#fff', fillOpacity: 1, interactive: false }).addTo(state.drawn);
      }
    }
  }

  // ---- the form ---------------------------------------------------------------------------------
  function categorySpec(name) {
    return state.catalog?.categories.find((c) => c.name === name) || null;
  }

  function choice(name, value, label, checked, onChange) {
    const wrapper = element('label', { class: 'choice' });
    const input = element('input', { type: 'radio', name, value: String(value) });
    input.checked = checked;
    // A second tap on the chosen button releases it (an optional choice can be left empty).
    input.addEventListener('click', () => {
      if (input.dataset.was === 'true') {
        input.checked = false;
        onChange(null);
      } else {
        onChange(value);
      }
      for (const other of document.getElementsByName(name)) other.dataset.was = String(other.checked);
    });
    input.dataset.was = String(checked);
    wrapper.append(input, element('span', {}, label));
    return wrapper;
  }

  function renderForm() {
    const categories = $('categories');
    categories.replaceChildren(element('legend', {}, t('category')));
    const grid = element('div', { class: 'grid' });
    for (const category of state.catalog.categories) {
      grid.append(choice('category', category.name, title(category.title),
        state.category === category.name, selectCategory));
    }
    categories.append(grid);
    renderCategory();
  }

  function selectCategory(name) {
    const keep = collectFields();
    state.category = name;
    const spec = categorySpec(name);
    if (spec && !spec.geometries.includes(state.kind)) setKind(spec.geometries[0] || 'point');
    if (!spec) setKind('point');
    renderCategory(keep);
  }

  function setKind(kind) {
    if (kind === state.kind) return;
    state.kind = kind;
    state.vertices = [];
    state.shapeDone = false;
    renderPosition();
  }

  function renderCategory(values) {
    const spec = categorySpec(state.category);
    const kinds = $('kinds');
    kinds.replaceChildren(element('legend', {}, t('geometry_kind')));
    kinds.hidden = !spec || spec.geometries.length < 2;
    if (spec) {
      const grid = element('div', { class: 'grid' });
      kinds.append(grid);
      for (const kind of spec.geometries) {
        grid.append(choice('kind', kind, t(`kind_${kind}`), state.kind === kind,
          (value) => { setKind(value || 'point'); renderCategory(collectFields()); }));
      }
    }
    const required = $('required-fields');
    const optional = $('optional-fields');
    required.replaceChildren();
    optional.replaceChildren();
    for (const field of spec?.fields || []) {
      (field.required ? required : optional).append(fieldControl(field, values?.[field.name]));
    }
    $('more').hidden = !optional.children.length;
    const severity = $('severity');
    severity.replaceChildren(element('legend', {}, t('severity')));
    severity.hidden = !spec?.severity;
    if (spec?.severity) {
      const row = element('div', { class: 'grid' });
      for (const level of spec.severity.levels) {
        row.append(choice('severity', level.value, title(level.title), state.severity === level.value,
          (value) => { state.severity = value; }));
      }
      severity.append(row);
    } else {
      state.severity = null;
    }
  }

  function fieldControl(field, value) {
    const name = `field-${field.name}`;
    const label = title(field.title) + (field.unit ? ` (${field.unit})` : '');
    if (field.values?.length || field.type === 'boolean') {
      const options = field.values?.length
        ? field.values.map((v) => [v.value, title(v.title)])
        : [[true, t('yes')], [false, t('no')]];
      const set = element('fieldset', { class: 'choices', 'data-field': field.name });
      set.append(element('legend', {}, label));
      const grid = element('div', { class: 'grid' });
      for (const [v, text] of options) grid.append(choice(name, v, text, value === v, () => {}));
      set.append(grid);
      return set;
    }
    const box = element('div', { class: 'field', 'data-field': field.name });
    const id = `input-${field.name}`;
    box.append(element('label', { for: id }, label));
    const numeric = field.type === 'integer' || field.type === 'real';
    const input = element('input', {
      id,
      name,
      type: numeric ? 'number' : field.type === 'date' ? 'date' : 'text',
      inputmode: field.type === 'integer' ? 'numeric' : field.type === 'real' ? 'decimal' : null,
      step: field.type === 'integer' ? '1' : field.type === 'real' ? 'any' : null,
      min: field.minimum ?? null,
      max: field.maximum ?? null,
    });
    if (value !== undefined && value !== null) input.value = String(value);
    box.append(input);
    return box;
  }

  function collectFields() {
    const spec = categorySpec(state.category);
    const values = {};
    for (const field of spec?.fields || []) {
      const name = `field-${field.name}`;
      if (field.values?.length || field.type === 'boolean') {
        const checked = [...document.getElementsByName(name)].find((i) => i.checked);
        if (!checked) continue;
        const option = field.values?.find((v) => String(v.value) === checked.value);
        values[field.name] = option ? option.value : checked.value === 'true';
      } else {
        const input = document.getElementsByName(name)[0];
        const text = input?.value.trim();
        if (!text) continue;
        const numeric = field.type === 'integer' || field.type === 'real';
        values[field.name] = numeric ? Number(text) : text;
      }
    }
    return values;
  }

  function problemWithForm(fields) {
    const spec = categorySpec(state.category);
    if (!spec) return { text: t('need_category'), focus: 'categories' };
    for (const field of spec.fields) {
      const label = title(field.title);
      const value = fields[field.name];
      if (field.required && value === undefined) {
        return { text: t('need_field', { field: label }), focus: field.name };
      }
      if (typeof value === 'number' && (Number.isNaN(value) ||
          (field.minimum != null && value < field.minimum) ||
          (field.maximum != null && value > field.maximum))) {
        return { text: t('need_range', { field: label, min: field.minimum ?? '', max: field.maximum ?? '' }), focus: field.name };
      }
    }
    if (state.kind === 'point' && !state.pos) return { text: t('need_position') };
    if (state.kind === 'line' && state.vertices.length < 2) return { text: t('need_line') };
    if (state.kind === 'area' && state.vertices.length < 3) return { text: t('need_area') };
    const found = effectiveArea();
    if (!found.area && found.nearest) {
      return { text: t('where_outside', { distance: distanceText(found.distance), area: found.nearest.name }) };
    }
    return null;
  }

  function focusProblem(problem) {
    if (!problem.focus) return $('map').scrollIntoView({ block: 'center' });
    const box = problem.focus === 'categories' ? $('categories') : document.querySelector(`[data-field="${problem.focus}"]`);
    if (!box) return;
    if (box.closest('details')) box.closest('details').open = true;
    box.scrollIntoView({ block: 'center' });
    box.querySelector('input, select, textarea')?.focus({ preventScroll: true });
  }

  async function save(event) {
    event.preventDefault();
    if (state.saving) return; // a second tap while the first is being kept: one observation
    state.saving = true;
    $('save').disabled = true;
    try {
      await keep();
    } finally {
      state.saving = false;
      $('save').disabled = false;
    }
  }

  async function keep() {
    const fields = collectFields();
    const problem = problemWithForm(fields);
    if (problem) {
      say(problem.text, 'error');
      focusProblem(problem);
      return;
    }
    const spec = categorySpec(state.category);
    const found = effectiveArea();
    const chosen = state.walk && found.area && state.walk.area === found.area.slug ? state.walk : null;
    // The walk's uuid names it in its own area only: near an edge the server may place the
    // observation otherwise, and then says so instead of joining another area's walk.
    const walk = chosen
      ? state.walks.find((w) => w.area === chosen.area && w.number === chosen.number)?.uuid || chosen.number
      : null;
    const item = {
      uuid: state.editing?.uuid || newUuid(),
      taken_at: state.editing?.taken_at || isoWithOffset(new Date()),
      saved_ms: state.editing?.saved_ms || Date.now(),
      category: spec.name,
      category_title: spec.title,
      kind: state.kind,
      fields,
      severity: spec.severity ? state.severity : null,
      description: $('description').value.trim(),
      walk,
      area: state.areaOverride || null,
      area_name: found.area?.name || null,
      by: state.session?.account?.name || null,
      status: 'waiting',
      photos: state.photos.map((p) => ({ uuid: p.uuid, blob: p.blob, sent: false })),
    };
    if (state.kind === 'point') {
      Object.assign(item, { lon: state.pos.lon, lat: state.pos.lat, accuracy_m: state.pos.accuracy_m ?? null });
    } else {
      item.geometry = shapeGeometry();
    }
    try {
      await putItem(item);
    } catch (error) {
      say(t('storage_failed', { why: error?.message || error }), 'error');
      return;
    }
    navigator.storage?.persist?.();
    clearForm();
    say(t('saved'), 'ok');
    await refreshQueue();
    sendQueue();
  }

  function clearForm() {
    for (const photo of state.photos) URL.revokeObjectURL(photo.url);
    state.photos = [];
    state.photoPos = null;
    state.editing = null;
    state.areaOverride = '';
    $('area').value = '';
    $('editing').hidden = true;
    $('save').textContent = t('save');
    $('description').value = '';
    state.vertices = [];
    state.shapeDone = false;
    state.pos = state.gps ? { ...state.gps, source: 'gps' } : null;
    const spec = categorySpec(state.category);
    state.kind = spec && !spec.geometries.includes('point') ? spec.geometries[0] : 'point';
    renderCategory();
    renderPhotos();
    renderPosition();
  }

  // ---- photos -------------------------------------------------------------------------------------
  function exifPosition(view) {
    // The GPS position in a JPEG's EXIF (APP1), or null: degrees from the GPS IFD's rationals.
    try {
      if (view.getUint16(0) !== 0xffd8) return null;
      let offset = 2;
      while (offset + 4 <= view.byteLength) {
        const marker = view.getUint16(offset);
        if ((marker & 0xff00) !== 0xff00 || marker === 0xffda) return null;
        if (marker === 0xffe1 && view.getUint32(offset + 4) === 0x45786966) {
          return tiffPosition(view, offset + 10);
        }
        offset += 2 + view.getUint16(offset + 2);
      }
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
    }
    return null;
  }

  function tiffPosition(view, start) {
    const little = view.getUint16(start) === 0x4949;
    const u16 = (at) => view.getUint16(start + at, little);
    const u32 = (at) => view.getUint32(start + at, little);
    const entries = (ifd) => {
      const found = {};
      for (let i = 0; i < u16(ifd); i++) {
        const at = ifd + 2 + i * 12;
        found[u16(at)] = { type: u16(at + 2), count: u32(at + 4), at: at + 8 };
      }
      return found;
    };
    const pointer = entries(u32(4))[0x8825];
    if (!pointer) return null;
    const gps = entries(u32(pointer.at));
    const ref = (tag) => (gps[tag] ? String.fromCharCode(view.getUint8(start + gps[tag].at)) : '');
    const degrees = (tag) => {
      const entry = gps[tag];
      if (!entry || entry.type !== 5 || entry.count < 3) return null;
      const at = u32(entry.at);
      let value = 0;
      for (let i = 0; i < 3; i++) {
        const denominator = u32(at + i * 8 + 4);
        if (!denominator) return null;
        value += u32(at + i * 8) / denominator / 60 ** i;
      }
      return value;
    };
    let lat = degrees(2);
    let lon = degrees(4);
    if (lat === null || lon === null || (lat === 0 && lon === 0)) return null;
    if (ref(1) === 'S') lat = -lat;
    if (ref(3) === 'W') lon = -lon;
    return { lon, lat, accuracy_m: null };
  }

  async function downscaled(file) {
    let bitmap;
    try {
      bitmap = await createImageBitmap(file);
    } catch {
      return file; // a format the browser cannot draw (e.g. HEIC): the server checks it
    }
    const scale = Math.min(1, MAX_SIDE_PX / Math.max(bitmap.width, bitmap.height));
    const canvas = element('canvas');
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    return new Promise((resolve) => canvas.toBlob((blob) => resolve(blob || file), 'image/jpeg', 0.85));
  }

  async function addPhoto(file) {
    try {
      const head = await file.slice(0, 256 * 1024).arrayBuffer();
      const position = exifPosition(new DataView(head));
      const blob = await downscaled(file);
      state.photos.push({ uuid: newUuid(), blob, url: URL.createObjectURL(blob) });
      if (position) {
        state.photoPos = position;
        if (!state.pos) usePosition(position, 'photo');
      }
      renderPhotos();
      renderPosition();
    } catch (error) {
      say(`${t('photo_failed')} ${error?.message || ''}`, 'error');
    }
  }

  function renderPhotos() {
    const list = $('photos');
    list.replaceChildren();
    state.photos.forEach((photo, index) => {
      const item = element('li');
      item.append(element('img', { src: photo.url, alt: t('photo_alt', { n: index + 1 }) }));
      const remove = element('button', { type: 'button', class: 'small', 'aria-label': t('remove_photo', { n: index + 1 }) }, '×');
      remove.addEventListener('click', () => {
        URL.revokeObjectURL(photo.url);
        state.photos.splice(state.photos.indexOf(photo), 1);
        renderPhotos();
      });
      item.append(remove);
      list.append(item);
    });
  }

  // ---- walks and areas -----------------------------------------------------------------------
  function renderAreaSelect() {
    const select = $('area');
    select.replaceChildren(element('option', { value: '' }, t('area_follows')));
    for (const area of [...state.areas].sort((a, b) => a.name.localeCompare(b.name, 'sv'))) {
      select.append(element('option', { value: area.slug }, area.name));
    }
    select.value = state.areaOverride;
  }

  function renderWalks() {
    const select = $('walk');
    const here = effectiveArea().area;
    select.replaceChildren(element('option', { value: '' }, t('no_walk')));
    const shown = state.walks.filter((w) => here && w.area === here.slug);
    if (state.walk && !shown.some((w) => w.area === state.walk.area && w.number === state.walk.number)) {
      shown.unshift(state.walks.find((w) => w.area === state.walk.area && w.number === state.walk.number) ||
        { area: state.walk.area, number: state.walk.number, title: '' });
    }
    for (const walk of shown) {
      const area = areaBySlug(walk.area);
      const text = t('walk_option', { n: walk.number }) + (walk.title ? `: ${walk.title}` : '') +
        (walk.start ? ` (${walk.start.slice(0, 10)})` : '') +
        (here && walk.area !== here.slug ? ` – ${area?.name || walk.area}` : '');
      select.append(element('option', { value: `${walk.area}/${walk.number}` }, text));
    }
    select.value = state.walk ? `${state.walk.area}/${state.walk.number}` : '';
    renderWalkNote(here);
  }

  function renderWalkNote(here) {
    const note = $('walk-note');
    const elsewhere = state.walk && here && state.walk.area !== here.slug;
    note.hidden = !elsewhere;
    if (elsewhere) {
      note.textContent = t('walk_elsewhere', {
        n: state.walk.number, area: areaBySlug(state.walk.area)?.name || state.walk.area, here: here.name,
      });
    }
    const select = $('walk');
    if (select.dataset.area !== (here?.slug || '') && state.walks.length) {
      select.dataset.area = here?.slug || '';
      renderWalks();
    }
  }

  // ---- talking to the server -------------------------------------------------------------------
  function headers(extra) {
    const all = { 'Accept-Language': state.lang, Accept: 'application/json', ...extra };
    if (state.csrf) all['X-CSRF-Token'] = state.csrf;
    return all;
  }

  function patience(ms) {
    // A send that hangs (a tunnel, a dead cell) must not hold the queue: give up and resend.
    return AbortSignal.timeout ? AbortSignal.timeout(ms) : undefined;
  }

  async function getJson(path) {
    const response = await fetch(path, { headers: { Accept: 'application/json' } });
    if (response.status === 401) {
      needLogin();
      throw new Error('login');
    }
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    if (!navigator.serviceWorker?.controller && window.caches) {
      // The first visit is not yet served by the service worker: keep the answer for offline.
      const copy = response.clone();
      caches.open(API_CACHE).then((cache) => cache.put(path, copy)).catch(() => {});
    }
    return response.json();
  }

  async function loadSession() {
    try {
      const response = await fetch(`${API}/session`, { headers: { Accept: 'application/json' }, cache: 'no-store' });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      state.session = await response.json();
      localStorage.setItem(SESSION_KEY, JSON.stringify({ accounts_required: state.session.accounts_required }));
      if (state.session.csrf) setCsrf(state.session.csrf);
    } catch {
      state.session = JSON.parse(localStorage.getItem(SESSION_KEY) || 'null');
    }
    if (state.session?.accounts_required && !state.session.account && navigator.onLine) needLogin();
    renderAccount();
  }

  function renderAccount() {
    const account = state.session?.account;
    $('account').hidden = !account;
    $('account-name').textContent = account ? t('logged_in_as', { name: account.name }) : '';
  }

  async function logout() {
    // What waits in the queue stays: it is sent after the next login, by whoever logs in.
    await fetch(`${API}/logout`, { method: 'POST', headers: headers() }).catch(() => {});
    localStorage.removeItem(CSRF_KEY);
    state.csrf = null;
    if (state.session) state.session.account = null;
    renderAccount();
    needLogin();
  }

  function setCsrf(token) {
    state.csrf = token;
    localStorage.setItem(CSRF_KEY, token);
  }

  function needLogin() {
    $('login').hidden = false;
    $('login-why').textContent = t(navigator.onLine ? 'login_why' : 'login_offline');
  }

  async function login(event) {
    event.preventDefault();
    const name = $('login-name').value.trim();
    const password = $('login-password').value;
    $('login-error').textContent = '';
    try {
      const response = await fetch(`${API}/login`, {
        method: 'POST',
        headers: headers({ 'Content-Type': 'application/json' }),
        body: JSON.stringify({ name, password }),
      });
      const body = await response.json().catch(() => ({}));
      if (!response.ok) {
        $('login-error').textContent = body.error || t('login_failed');
        return;
      }
      setCsrf(body.csrf);
      state.session = { ...(state.session || {}), accounts_required: true, account: body.account };
      renderAccount();
      $('login-password').value = '';
      $('login').hidden = true;
      await loadData();
      sendQueue();
    } catch {
      $('login-error').textContent = t('login_offline');
    }
  }

  function takeCatalog(catalog) {
    state.catalog = catalog;
    $('loading').hidden = true;
    $('observation').hidden = false;
    if (state.category && !categorySpec(state.category)) state.category = null;
    renderForm();
    initMap();
    addTiles();
    renderPosition();
  }

  function takeAreas(collection) {
    state.areaCollection = collection;
    state.areas = (collection.features || []).map((feature) => {
      const area = {
        slug: feature.properties.slug,
        name: feature.properties.name,
        polygons: polygonsOf(feature.geometry),
      };
      area.size = planarSize(area);
      return area;
    });
    renderAreaSelect();
    drawAreas();
    renderPosition();
    renderQueue();
  }

  function takeWalks(body) {
    state.walks = body.walks || [];
    renderWalks();
  }

  function loadData() {
    const catalog = getJson(`${API}/catalog`).then(takeCatalog).catch((error) => {
      if (state.catalog) return;
      if (error.message === 'login') $('loading').hidden = true;
      else $('loading').textContent = t('no_catalog');
    });
    const areas = getJson(`${API}/areas`).then(takeAreas).catch(() => {});
    const walks = getJson(`${API}/walks`).then(takeWalks).catch(() => {});
    return Promise.all([catalog, areas, walks]);
  }

  function observationBody(item) {
    const body = { uuid: item.uuid, category: item.category, taken_at: item.taken_at, fields: item.fields };
    if (item.geometry) {
      body.geometry = item.geometry;
    } else {
      Object.assign(body, { lon: item.lon, lat: item.lat });
      if (item.accuracy_m != null) body.accuracy_m = item.accuracy_m;
    }
    if (item.area) body.area = item.area;
    if (item.walk != null) body.walk = item.walk;
    if (item.severity != null) body.severity = item.severity;
    if (item.description) body.description = item.description;
    return body;
  }

  const REFUSALS = new Set([400, 403, 404, 409, 413, 415, 422]);

  async function renewCsrf() {
    // The login was renewed elsewhere (another tab, the installed app): take its CSRF value
    // and send once more; nothing is refused for it. False: no login to take it from.
    await loadSession();
    return Boolean(state.session?.account);
  }

  async function sendObservation(item, renewed = false) {
    const response = await fetch(`${API}/observations`, {
      method: 'POST',
      headers: headers({ 'Content-Type': 'application/json' }),
      body: JSON.stringify(observationBody(item)),
      signal: patience(OBSERVATION_WAIT_MS),
    });
    if (response.status === 200 || response.status === 201) {
      const body = await response.json();
      Object.assign(item, {
        status: 'sent', number: body.number, sent_area: body.area, sent_ms: Date.now(),
        duplicates: body.duplicates || [], warnings: body.warnings || [],
      });
    } else if (response.status === 401) {
      needLogin();
      return false;
    } else if (REFUSALS.has(response.status)) {
      const body = await response.json().catch(() => ({}));
      if (body.field === 'csrf') return !renewed && (await renewCsrf()) && sendObservation(item, true);
      Object.assign(item, { status: 'refused', error: body.error || t('refused_status', { status: response.status }), field: body.field || null });
    } else {
      return false; // the server is in trouble: try again later
    }
    await putItem(item);
    return true;
  }

  async function sendPhoto(item, photo, renewed = false) {
    const form = new FormData();
    form.append('uuid', photo.uuid);
    form.append('photo', photo.blob, `${photo.uuid}.jpg`);
    if (item.sent_area) form.append('area', item.sent_area);
    const response = await fetch(`${API}/observations/${item.uuid}/photos`, {
      method: 'POST', headers: headers(), body: form, signal: patience(PHOTO_WAIT_MS),
    });
    if (response.status === 200 || response.status === 201) {
      Object.assign(photo, { sent: true, blob: null });
    } else if (response.status === 401) {
      needLogin();
      return false;
    } else if (REFUSALS.has(response.status)) {
      const body = await response.json().catch(() => ({}));
      if (body.field === 'csrf') return !renewed && (await renewCsrf()) && sendPhoto(item, photo, true);
      photo.refused = body.error || t('refused_status', { status: response.status });
    } else {
      return false;
    }
    await putItem(item);
    return true;
  }

  const unsentPhotos = (item) => item.photos.filter((p) => !p.sent && !p.refused);
  // What one account saved waits for that account: it is never sent as someone else's.
  const mayBeSent = (item) => !item.by || !state.session?.account || item.by === state.session.account.name;
  const hasWork = (item) => item.status === 'waiting' || (item.status === 'sent' && unsentPhotos(item).length > 0);

  async function sendQueue() {
    if (!navigator.onLine) return; // said so by the browser: certainly no connection
    if (state.sending) {
      state.sendAgain = true;
      return;
    }
    state.sending = true;
    let reached = true;
    try {
      do {
        state.sendAgain = false;
        const work = (await allItems()).filter(hasWork).filter(mayBeSent).sort((a, b) => a.saved_ms - b.saved_ms);
        if (!work.length) break;
        say(t('sending'));
        for (const item of work) {
          // Photos follow their observation, once the server has it.
          reached = item.status === 'waiting' ? await sendObservation(item) : true;
          for (const photo of item.status === 'sent' ? unsentPhotos(item) : []) {
            if (!reached) break;
            reached = await sendPhoto(item, photo);
          }
          await refreshQueue();
          if (!reached) break;
        }
        if (reached) say(t('all_sent'), 'ok');
      } while (state.sendAgain && reached);
    } catch {
      reached = false; // no connection, or the answer was lost on the way: the same uuid goes again
    } finally {
      state.sending = false;
    }
    if (!reached) say(t($('login').hidden ? 'unreachable' : 'need_login'), 'warn');
    await refreshQueue();
  }

  // ---- the queue on the page -------------------------------------------------------------------
  async function refreshQueue() {
    const now = Date.now();
    const items = await allItems();
    const old = items.filter((i) => i.status === 'sent' && !hasWork(i) && !i.photos.some((p) => p.refused) &&
      now - (i.sent_ms || 0) > KEEP_SENT_MS);
    for (const item of old) await removeItem(item.uuid);
    state.items = items.filter((i) => !old.includes(i)).sort((a, b) => b.saved_ms - a.saved_ms);
    renderQueue();
  }

  function statusText(item) {
    if (item.status === 'sent') return t('status_sent', { n: item.number });
    if (item.status === 'refused') return t('status_refused', { why: item.error });
    return t('status_waiting');
  }

  function renderQueue() {
    const list = $('queue');
    list.replaceChildren();
    $('queue-empty').hidden = state.items.length > 0;
    for (const item of state.items) {
      const row = element('li', { class: `item ${item.status}`, 'data-uuid': item.uuid });
      const time = new Date(item.taken_at).toLocaleTimeString(state.lang === 'sv' ? 'sv-SE' : 'en-GB', { hour: '2-digit', minute: '2-digit' });
      const what = t('item_time', { category: title(item.category_title) || item.category, time });
      const head = element('p', { class: 'what' }, what);
      const area = areaBySlug(item.sent_area)?.name || item.area_name;
      if (area) head.append(element('span', { class: 'area' }, ` · ${area}`));
      row.append(head, element('p', { class: 'status' }, statusText(item)));
      for (const duplicate of item.duplicates || []) {
        row.append(element('p', { class: 'note' }, t('duplicate', { n: duplicate.number, distance: distanceText(duplicate.distance_m) })));
      }
      for (const warning of item.warnings || []) { // the server's, in the page's language
        row.append(element('p', { class: 'note warn' }, warning));
      }
      const waiting = unsentPhotos(item).length;
      if (waiting) row.append(element('p', { class: 'note' }, t('photos_waiting', { n: waiting })));
      for (const photo of item.photos.filter((p) => p.refused)) {
        const note = element('p', { class: 'note warn' }, t('photo_refused', { why: photo.refused }));
        const again = element('button', { type: 'button', class: 'small', 'aria-label': t('photo_again_named', { what }) }, t('photo_again'));
        again.addEventListener('click', async () => {
          delete photo.refused; // kept on the phone: it goes again, under its own uuid
          await putItem(item);
          await refreshQueue();
          sendQueue();
        });
        note.append(' ', again);
        row.append(note);
      }
      if (!mayBeSent(item)) row.append(element('p', { class: 'note' }, t('waits_for', { name: item.by })));
      if (item.status === 'refused') {
        const buttons = element('div', { class: 'row' });
        const correct = element('button', { type: 'button', class: 'small', 'aria-label': t('correct_named', { what }) }, t('correct'));
        correct.addEventListener('click', () => correctItem(item));
        const discard = element('button', { type: 'button', class: 'small danger', 'aria-label': t('discard_named', { what }) }, t('discard'));
        discard.addEventListener('click', async () => {
          if (!window.confirm(t('discard_confirm'))) return;
          await removeItem(item.uuid);
          await refreshQueue();
        });
        buttons.append(correct, discard);
        row.append(buttons);
      }
      list.append(row);
    }
  }

  function correctItem(item) {
    clearForm();
    state.editing = item;
    state.category = item.category;
    state.kind = item.kind || 'point';
    state.severity = item.severity;
    state.areaOverride = item.area || '';
    $('area').value = state.areaOverride;
    if (item.geometry) {
      const ring = item.geometry.type === 'Polygon' ? item.geometry.coordinates[0].slice(0, -1) : item.geometry.coordinates;
      state.vertices = ring.map(([lon, lat]) => [lat, lon]);
      state.shapeDone = true;
    } else {
      state.pos = { lon: item.lon, lat: item.lat, accuracy_m: item.accuracy_m, source: 'map' };
    }
    $('description').value = item.description || '';
    state.photos = item.photos.filter((p) => p.blob).map((p) => ({ uuid: p.uuid, blob: p.blob, url: URL.createObjectURL(p.blob) }));
    renderForm();
    renderCategory(item.fields);
    renderPhotos();
    renderPosition();
    $('editing').textContent = `${t('editing')} ${item.error || ''}`;
    $('editing').hidden = false;
    $('save').textContent = t('save_correction');
    say(item.error || '', 'error');
    $('observation').scrollIntoView({ block: 'start' });
  }

  // ---- start -------------------------------------------------------------------------------------
  function renderNet() {
    const online = navigator.onLine;
    $('net').textContent = t(online ? 'online' : 'offline');
    $('net').className = `net ${online ? 'on' : 'off'}`;
  }

  function wire() {
    $('lang').addEventListener('click', () => setLanguage(state.lang === 'sv' ? 'en' : 'sv'));
    $('observation').addEventListener('submit', save);
    $('send-now').addEventListener('click', () => sendQueue());
    $('login-form').addEventListener('submit', login);
    $('logout').addEventListener('click', logout);
    $('photo-input').addEventListener('change', async (event) => {
      for (const file of event.target.files) await addPhoto(file);
      event.target.value = '';
    });
    $('use-gps').addEventListener('click', () => state.gps && usePosition(state.gps, 'gps'));
    $('use-photo').addEventListener('click', () => state.photoPos && usePosition(state.photoPos, 'photo'));
    $('area').addEventListener('change', (event) => {
      state.areaOverride = event.target.value;
      renderPosition();
    });
    $('walk').addEventListener('change', (event) => {
      const [area, n] = event.target.value.split('/');
      state.walk = n ? { area, number: Number(n) } : null;
      renderWalkNote(effectiveArea().area);
    });
    $('shape-add').addEventListener('click', () => {
      // Without a tap: move the map with the arrow keys (or a finger), then add its centre.
      const centre = state.map.getCenter();
      state.vertices.push([centre.lat, centre.lng]);
      renderPosition();
    });
    $('shape-undo').addEventListener('click', () => { state.vertices.pop(); renderPosition(); });
    $('shape-finish').addEventListener('click', () => { state.shapeDone = true; renderPosition(); });
    $('shape-clear').addEventListener('click', () => { state.vertices = []; state.shapeDone = false; renderPosition(); });
    window.addEventListener('online', () => { renderNet(); sendQueue(); });
    window.addEventListener('offline', renderNet);
    setInterval(() => { if (navigator.onLine && state.items.some(hasWork)) sendQueue(); }, RETRY_MS);
    const leaflet = $('leaflet-script');
    if (window.L) initMap();
    else leaflet.addEventListener('load', initMap);
  }

  async function start() {
    state.csrf = localStorage.getItem(CSRF_KEY);
    const params = new URLSearchParams(window.location.search);
    if (params.get('area') && /^\d+$/.test(params.get('walk') || '')) {
      state.walk = { area: params.get('area'), number: Number(params.get('walk')) };
    }
    wire();
    setLanguage(localStorage.getItem(LANG_KEY) || 'sv');
    watchGps();
    refreshQueue().catch((error) => say(t('storage_failed', { why: error?.message || error }), 'error'));
    await loadSession();
    await loadData();
    if ('serviceWorker' in navigator) {
      // Registered once the page has what it needs, so it does not compete with the first load.
      navigator.serviceWorker.register('sw.js', { scope: './' }).catch(() => {});
    }
    sendQueue();
  }

  start();
})();
