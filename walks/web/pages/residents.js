// The residents' page with JavaScript: a tap on the map or the phone's position fills in the
// place's latitude and longitude. Without it the form works the same with typed coordinates.
'use strict';
(() => {
  document.documentElement.classList.add('js');
  const form = document.getElementById('report-form');
  const svg = document.getElementById('map');
  if (!form || !svg) return;
  const marker = document.getElementById('marker');
  const lat = document.getElementById('lat');
  const lon = document.getElementById('lon');
  const status = document.getElementById('position-status');
  const [a, b, c, d, e, f] = svg.dataset.lonlat.split(' ').map(Number);
  const det = a * e - b * d;

  const say = (text) => { status.textContent = text; };
  const show = (x, y) => {
    marker.setAttribute('cx', x.toFixed(0));
    marker.setAttribute('cy', y.toFixed(0));
    marker.removeAttribute('display');
  };
  const fill = (longitude, latitude) => {
    lat.value = latitude.toFixed(6);
    lon.value = longitude.toFixed(6);
    lat.removeAttribute('aria-invalid');
    lon.removeAttribute('aria-invalid');
  };
  // The typed position on the map (the inverse of the page's affine transform).
  const follow = () => {
    const la = Number(lat.value.replace(',', '.').replace('\u2212', '-'));
    const lo = Number(lon.value.replace(',', '.').replace('\u2212', '-'));
    if (!lat.value || !lon.value || !Number.isFinite(la) || !Number.isFinite(lo)) return;
    const u = lo - c;
    const v = la - f;
    show((e * u - b * v) / det, (a * v - d * u) / det);
  };

  svg.addEventListener('click', (event) => {
    const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(
      svg.getScreenCTM().inverse());
    fill(a * point.x + b * point.y + c, d * point.x + e * point.y + f);
    show(point.x, point.y);
    say(status.dataset.tapped);
  });
  lat.addEventListener('change', follow);
  lon.addEventListener('change', follow);

  const locate = document.getElementById('locate');
  if (!('geolocation' in navigator)) {
    locate.remove();
  } else {
    locate.addEventListener('click', () => {
      say(status.dataset.locating);
      navigator.geolocation.getCurrentPosition((found) => {
        fill(found.coords.longitude, found.coords.latitude);
        follow();
        say(status.dataset.located.replace('{metres}', Math.round(found.coords.accuracy)));
      }, () => say(status.dataset.failed), { enableHighAccuracy: true, timeout: 20000 });
    });
  }

  // A photo over the limit is said at once, before minutes of sending it.
  const photo = document.getElementById('photo');
  const tooLarge = document.getElementById('photo-size');
  const large = () => photo.files.length > 0 && photo.files[0].size > Number(photo.dataset.maxBytes);
  const described = photo.getAttribute('aria-describedby') || '';
  const check = () => {
    tooLarge.hidden = !large();
    if (large()) {
      photo.setAttribute('aria-invalid', 'true');
      photo.setAttribute('aria-describedby', `${described} photo-size`.trim());
    } else {
      photo.removeAttribute('aria-invalid');
      photo.setAttribute('aria-describedby', described);
    }
  };
  photo.addEventListener('change', check);
  form.addEventListener('submit', (event) => {
    if (large()) {
      event.preventDefault();
      check();
      photo.focus();
    }
  });
})();
