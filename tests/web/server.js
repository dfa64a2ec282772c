// A local HTTP server on 127.0.0.1 for the Chromium test and the web
// bench: the viewer page (web/), giflow.wasm, the corpora (read-only), and
// two ways of sending a GIF slowly:
//   /stall/PATH?frac=F   the first F of the bytes, then nothing until
//                        /release (or 60 s), then the rest;
//   /slow/PATH?chunk=N&ms=T   N bytes every T ms; the bytes sent so far are
//                        at /sent (JSON).
// PATH is /corpus/REL (under the corpora) or /gen/NAME (under genDir).
'use strict';
const http = require('http');
const fs = require('fs');
const path = require('path');

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.gif': 'image/gif', '.json': 'application/json' };

function inside(root, rel) {
  const p = path.resolve(root, '.' + path.sep + decodeURIComponent(rel));
  return p === root || p.startsWith(root + path.sep) ? p : null;
}

function start({ webDir, wasmFile, corpora, genDir }) {
  const state = { releases: [], sent: 0, stalledAt: -1 };
  const resolve = (u) => {
    if (u.startsWith('/corpus/')) return inside(corpora, u.slice(8));
    if (u.startsWith('/gen/') && genDir) return inside(genDir, u.slice(5));
    if (u === '/giflow.wasm') return wasmFile;
    if (u === '/' || u === '') return path.join(webDir, 'index.html');
    return inside(webDir, u.slice(1));
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    let p = url.pathname, mode = null;
    if (p === '/release') {
      state.releases.splice(0).forEach((f) => f());
      res.end('ok');
      return;
    }
    if (p === '/sent') {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ sent: state.sent, stalledAt: state.stalledAt }));
      return;
    }
    for (const m of ['/stall', '/slow']) {
      if (p.startsWith(m + '/')) {
        mode = m;
        p = p.slice(m.length);
      }
    }
    const file = resolve(p);
    let data;
    try {
      data = file && fs.statSync(file).isFile() ? fs.readFileSync(file) : null;
    } catch (e) {
      data = null;
    }
    if (!data) {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader('Content-Type', TYPES[path.extname(file)] || 'application/octet-stream');
    res.setHeader('Content-Length', data.length);
    res.setHeader('Cache-Control', 'no-store');
    if (!mode) {
      res.end(data);
      return;
    }
    state.sent = 0;
    if (mode === '/stall') {
      const cut = Math.floor(data.length * (+url.searchParams.get('frac') || 0.5));
      res.write(data.subarray(0, cut));
      state.sent = cut;
      state.stalledAt = cut;
      const go = () => { clearTimeout(t); res.end(data.subarray(cut)); state.sent = data.length; };
      const t = setTimeout(go, 60000);
      state.releases.push(go);
      return;
    }
    const chunk = +url.searchParams.get('chunk') || 65536, ms = +url.searchParams.get('ms') || 10;
    let pos = 0;
    const step = () => {
      if (res.destroyed) return;
      const end = Math.min(data.length, pos + chunk);
      res.write(data.subarray(pos, end));
      pos = end;
      state.sent = pos;
      if (pos < data.length) setTimeout(step, ms);
      else res.end();
    };
    step();
  });
  return new Promise((ok) => {
    server.listen(0, '127.0.0.1', () => ok({ server, state, port: server.address().port }));
  });
}

// Chromium as this machine needs it: headless, as root, no GPU, and none
// of the background networking that gets refused here.
async function launch(puppeteer, userDir) {
  return puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--force-color-profile=srgb', `--user-data-dir=${userDir}`],
  });
}

module.exports = { start, launch };
