// The giflow viewer page: open a GIF from a URL or a dropped file, show
// frames as soon as they have arrived (streaming fetch), play them with
// browser timing, seek, and zoom. Zooming out of a huge GIF decodes it
// straight into the small picture (viewport decoding): memory follows
// the screen, not the GIF.
//
// window.viewer is the page's state and a handle for tests: open(url),
// show(k), pixels(), setZoom(z), and figures (received bytes, bytes in
// when the first frame was shown, frames shown).
import { loadGiflow, GiflowError } from './giflow.js';

const $ = (id) => document.getElementById(id);
const view = $('view'), ctx = view.getContext('2d'), stage = $('stage');
const giflow = await loadGiflow(new URL('giflow.wasm', import.meta.url));

const st = {
  player: null, gen: 0, received: 0, total: 0, complete: false, firstFrameBytes: -1,
  firstFrameMs: -1, openedAt: 0, shown: -1, shownCount: 0, playing: true, waiting: false,
  timer: 0, zoom: 'fit', cx: 0, cy: 0, info: null, error: null, vpKey: '',
};
window.viewer = st;

function status() {
  const i = st.info;
  if (st.error) { $('status').textContent = st.error; return; }
  if (!i) { $('status').textContent = st.player ? 'loading…' : 'no file'; return; }
  const pct = st.total ? Math.round(100 * st.received / st.total) + '%' : st.received + ' B';
  $('status').textContent = `frame ${st.shown + 1} / ${i.frames}${i.final ? '' : '+'}` +
    ` · ${st.complete ? 'loaded' : pct} · ${i.canvasWidth}×${i.canvasHeight}` +
    ` · heap ${Math.round(i.peakHeap / 1024)} KiB`;
  $('seek').max = Math.max(0, i.frames - 1);
  if (st.shown >= 0) $('seek').value = st.shown;
}

// The zoom factor, and the viewport that shows what is on screen.
// ('full': the whole canvas at 1:1 and no viewport, for tests.)
function zoomFactor() {
  const i = st.info;
  if (st.zoom === 'full') return 1;
  if (st.zoom !== 'fit') return +st.zoom;
  return Math.min(1, stage.clientWidth / i.canvasWidth, stage.clientHeight / i.canvasHeight);
}

function viewport() {
  const i = st.info, z = zoomFactor();
  if (st.zoom === 'full') return null;
  const w = Math.min(i.canvasWidth, Math.ceil(stage.clientWidth / z));
  const h = Math.min(i.canvasHeight, Math.ceil(stage.clientHeight / z));
  st.cx = Math.max(0, Math.min(st.cx, i.canvasWidth - w));
  st.cy = Math.max(0, Math.min(st.cy, i.canvasHeight - h));
  const outW = z >= 1 ? w : Math.max(1, Math.round(w * z));
  const outH = z >= 1 ? h : Math.max(1, Math.round(h * z));
  if (w === i.canvasWidth && h === i.canvasHeight && outW === w && outH === h) return null;
  return { x: st.cx, y: st.cy, w, h, outW, outH };
}

function applyViewport() {
  const vp = viewport();
  const key = JSON.stringify(vp);
  if (key === st.vpKey) return false;
  st.vpKey = key;
  st.player.setViewport(vp);
  return true;
}

function draw(f) {
  if (view.width !== f.width || view.height !== f.height) {
    view.width = f.width;
    view.height = f.height;
  }
  const z = zoomFactor();
  view.style.width = (z >= 1 ? f.width * z : f.width) + 'px';
  view.style.height = (z >= 1 ? f.height * z : f.height) + 'px';
  ctx.putImageData(new ImageData(f.rgba, f.width, f.height), 0, 0);
  st.shown = f.index;
  st.shownCount++;
  if (st.firstFrameBytes < 0) {
    st.firstFrameBytes = st.received;
    st.firstFrameMs = performance.now() - st.openedAt;
  }
  status();
}

function fail(e) {
  st.error = e instanceof GiflowError ? `error: ${e.message}` : String(e);
  status();
}

// Playback with browser timing: each frame stays its played delay.
function tick() {
  clearTimeout(st.timer);
  if (!st.playing || !st.player || !st.info) return;
  let f;
  try {
    f = st.player.next();
  } catch (e) {
    fail(e);
    return;
  }
  if (f === null) { st.waiting = true; return; } // not arrived: on the next chunk
  if (f === undefined) { st.playing = false; $('play').textContent = 'Play'; return; }
  draw(f);
  st.timer = setTimeout(tick, f.delayMs);
}

function refresh() {
  try {
    st.info = st.player.info();
  } catch (e) {
    fail(e);
    return;
  }
  if (!st.info) return;
  if (applyViewport() && st.shown >= 0) show(st.shown, true);
  if (st.waiting) {
    st.waiting = false;
    tick();
  }
  status();
}

// Shows frame k (stops playback unless keep).
function show(k, keep) {
  if (!keep) pause();
  try {
    const f = st.player.seek(k);
    if (f) draw(f);
    return f;
  } catch (e) {
    fail(e);
    return null;
  }
}

function pause() {
  st.playing = false;
  clearTimeout(st.timer);
  $('play').textContent = 'Play';
}

function reset() {
  clearTimeout(st.timer);
  if (st.player) st.player.free();
  Object.assign(st, {
    player: giflow.player({ budgetCanvases: 8 }), gen: st.gen + 1, received: 0, total: 0,
    complete: false, firstFrameBytes: -1, firstFrameMs: -1, openedAt: performance.now(),
    shown: -1, shownCount: 0, playing: true, waiting: true, info: null, error: null,
    vpKey: '', cx: 0, cy: 0,
  });
  $('play').textContent = 'Pause';
  return st.gen;
}

// Reads a stream of chunks into the player, showing frames as they come.
async function feed(reader, gen) {
  for (;;) {
    const { done, value } = await reader.read();
    if (gen !== st.gen) return;
    if (done) break;
    try {
      st.player.append(value);
    } catch (e) {
      fail(e);
      return;
    }
    st.received += value.length;
    refresh();
  }
  st.complete = true;
  st.player.end();
  refresh();
}

async function openUrl(url) {
  const gen = reset();
  try {
    const res = await fetch(url, { cache: 'no-store' });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    st.total = +res.headers.get('Content-Length') || 0;
    await feed(res.body.getReader(), gen);
  } catch (e) {
    if (gen === st.gen) fail(e);
  }
}

async function openFile(file) {
  const gen = reset();
  st.total = file.size;
  await feed(file.stream().getReader(), gen);
}

// ---- Controls ----------------------------------------------------------
$('open').onclick = () => openUrl($('url').value);
$('url').onkeydown = (e) => { if (e.key === 'Enter') openUrl($('url').value); };
$('file').onchange = (e) => e.target.files[0] && openFile(e.target.files[0]);
$('play').onclick = () => {
  if (st.playing) { pause(); return; }
  st.playing = true;
  $('play').textContent = 'Pause';
  tick();
};
$('seek').oninput = (e) => show(+e.target.value);
$('zoom').onchange = (e) => setZoom(e.target.value);
stage.ondragover = (e) => { e.preventDefault(); stage.classList.add('drop'); };
stage.ondragleave = () => stage.classList.remove('drop');
stage.ondrop = (e) => {
  e.preventDefault();
  stage.classList.remove('drop');
  if (e.dataTransfer.files[0]) openFile(e.dataTransfer.files[0]);
};
// Drag to pan when zoomed in; the wheel zooms.
let drag = null;
stage.onpointerdown = (e) => { drag = { x: e.clientX, y: e.clientY, cx: st.cx, cy: st.cy }; };
window.onpointerup = () => { drag = null; };
stage.onpointermove = (e) => {
  if (!drag || !st.info) return;
  const z = zoomFactor();
  st.cx = Math.round(drag.cx - (e.clientX - drag.x) / z);
  st.cy = Math.round(drag.cy - (e.clientY - drag.y) / z);
  refresh();
};
stage.onwheel = (e) => {
  if (!st.info) return;
  e.preventDefault();
  setZoom(zoomFactor() * (e.deltaY < 0 ? 2 : 0.5));
};
window.onresize = () => st.info && refresh();

function setZoom(z) {
  st.zoom = z === 'fit' || z === 'full' ? z : String(Math.min(16, Math.max(1 / 64, +z)));
  if (st.player && st.info) refresh();
}

Object.assign(st, {
  open: openUrl, show, pause, setZoom,
  pixels: () => ctx.getImageData(0, 0, view.width, view.height).data,
});

const q = new URLSearchParams(location.search).get('url');
if (q) {
  $('url').value = q;
  openUrl(q);
}
