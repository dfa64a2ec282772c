// The viewer page in real headless Chromium, against Chromium itself.
//
// 1. Pixels: for every GIF of the corpora (deduplicated), the page's own
//    composition (web/giflow.js over giflow.wasm, as the viewer shows it)
//    must equal, byte for byte, Chromium's WebCodecs ImageDecoder
//    rendering of the same frame; and what the viewer's canvas then holds
//    must equal it too. Frame counts are compared as well.
// 2. Progressive display: a server that stalls halfway; frames must be on
//    screen (and right) while it is stalled, and all of them after.
// 3. Screenshot: the composited page shows the frame's opaque pixels
//    exactly.
// 4. Zoom: zoomed in and panned, every frame the page shows equals the
//    same rectangle of Chromium's frame; zoomed out ('fit') on a big GIF,
//    the page decodes straight into the small picture (viewport
//    decoding): its player's peak heap stays below one full canvas.
// Usage: node chromium_test.js WEB_DIR WASM CORPORA WORKDIR
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const puppeteer = require('puppeteer-core');
const { start, launch } = require('./server');

const [webDir, wasmFile, corpora, work] = process.argv.slice(2).map((p) => path.resolve(p));
let failures = 0;
function check(name, ok, detail = '') {
  console.log((ok ? 'ok   ' : 'FAIL ') + name + (ok ? '' : ': ' + detail));
  if (!ok) failures++;
}

function corpusGifs() {
  const out = [], seen = new Set();
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.gif')) {
        const h = crypto.createHash('sha1').update(fs.readFileSync(p)).digest('hex');
        if (!seen.has(h)) {
          seen.add(h);
          out.push(path.relative(corpora, p));
        }
      }
    }
  };
  walk(corpora);
  return out;
}

// In the page: Chromium's frames (ImageDecoder) next to the viewer's.
async function compareInPage(urls) {
  const v = window.viewer;
  const eq = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
  const firstDiff = (a, b) => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
    return -1;
  };
  const out = [];
  v.setZoom('full');
  for (const url of urls) {
    const r = { url, chromium: 0, giflow: 0, compared: 0, mismatches: [], error: null, timing: 0 };
    const buf = await (await fetch(url)).arrayBuffer();
    const truth = [];
    try {
      const dec = new ImageDecoder({ data: buf, type: 'image/gif', colorSpaceConversion: 'none' });
      await dec.tracks.ready;
      try { await dec.completed; } catch (e) { r.error = 'completed: ' + e.message; }
      r.chromium = dec.tracks.selectedTrack ? dec.tracks.selectedTrack.frameCount : 0;
      for (let k = 0; k < r.chromium; k++) {
        let d;
        try {
          d = await dec.decode({ frameIndex: k, completeFramesOnly: true });
        } catch (e) {
          r.error = `chromium frame ${k}: ${e.message}`;
          break;
        }
        const im = d.image, px = new Uint8Array(im.allocationSize({ format: 'RGBA' }));
        await im.copyTo(px, { format: 'RGBA' });
        truth.push({ w: im.displayWidth, h: im.displayHeight, px, us: im.duration });
        im.close();
      }
      dec.close();
    } catch (e) {
      r.error = 'chromium: ' + e.message;
    }
    r.decodable = truth.length;
    await v.open(url);
    v.pause();
    r.canvas = v.info ? [v.info.canvasWidth, v.info.canvasHeight] : [0, 0];
    // Every frame giflow has: composing each one also finds any broken
    // one, where the stream then ends (the index does not check LZW data).
    const frames = () => {
      try { return (v.player.info() || { frames: 0 }).frames; } catch (e) { return 0; }
    };
    for (let k = 0; k < frames(); k++) {
      const f = v.show(k);
      const t = truth[k];
      if (!f)
        break;
      if (!t)
        continue;
      r.compared++;
      if (f.width !== t.w || f.height !== t.h) {
        r.mismatches.push({ k, what: `size ${f.width}x${f.height} vs ${t.w}x${t.h}` });
        continue;
      }
      if (!eq(f.rgba, t.px)) {
        const i = firstDiff(f.rgba, t.px) & ~3;
        r.mismatches.push({ k, what: `pixel ${i / 4}: giflow ${Array.from(f.rgba.slice(i, i + 4))}` +
          ` chromium ${Array.from(t.px.slice(i, i + 4))}` });
        continue;
      }
      // What the page shows: the canvas's pixels (alpha 0 reads back 0,0,0,0).
      const shown = v.pixels();
      const want = Uint8ClampedArray.from(t.px);
      for (let i = 0; i < want.length; i += 4) if (!want[i + 3]) want[i] = want[i + 1] = want[i + 2] = 0;
      if (!eq(shown, want)) r.mismatches.push({ k, what: 'the canvas shows other pixels' });
      if (t.us !== f.delayCs * 10000) r.timing++;
    }
    r.giflow = frames();
    r.giflowError = v.error;
    out.push(r);
  }
  return out;
}

async function main() {
  fs.mkdirSync(work, { recursive: true });
  const { server, state, port } = await start({ webDir, wasmFile, corpora });
  const base = `http://127.0.0.1:${port}`;
  const browser = await launch(puppeteer, fs.mkdtempSync(path.join(work, 'chromium-')));
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1000, height: 800, deviceScaleFactor: 1 });
    page.on('pageerror', (e) => console.log('page error: ' + e.message + ' ' + (e.stack || '').split('\n').slice(0, 4).join(' | ')));
    await page.goto(`${base}/index.html`);
    await page.waitForFunction(() => window.viewer);

    // 1. Every corpus GIF against ImageDecoder.
    const files = corpusGifs();
    const results = [];
    for (let i = 0; i < files.length; i += 40) {
      const urls = files.slice(i, i + 40).map((f) => `/corpus/${f}`);
      results.push(...await page.evaluate(compareInPage, urls));
    }
    // Chromium decodes nothing of a GIF whose canvas has a side above
    // 32767 pixels (probed: 32767 decodes, 32768 does not); giflow does.
    const huge = (r) => Math.max(...r.canvas) > 32767;
    let frames = 0, anims = 0, animFrames = 0, timing = 0;
    const bad = [], counts = [], refused = results.filter(huge);
    for (const r of results) {
      if (huge(r)) continue;
      frames += r.compared;
      timing += r.timing;
      if (Math.max(r.chromium, r.giflow) > 1) {
        anims++;
        animFrames += r.compared;
      }
      if (r.mismatches.length) bad.push(r);
      if (r.giflow !== r.decodable) counts.push(r);
    }
    const mism = bad.reduce((s, r) => s + r.mismatches.length, 0);
    console.log(`corpus: ${results.length} files (${anims} animations), ${frames} frames compared ` +
      `(${animFrames} in animations), ${mism} mismatches`);
    for (const r of bad.slice(0, 20))
      console.log(`  ${r.url}: ${r.mismatches.length} of ${r.compared}: ` +
        r.mismatches.slice(0, 2).map((m) => `frame ${m.k}: ${m.what}`).join('; '));
    console.log(`frame counts: ${counts.length} files where giflow's complete frames differ from ` +
      `the frames Chromium decodes`);
    for (const r of counts.slice(0, 30))
      console.log(`  ${r.url}: giflow ${r.giflow} (${r.giflowError || 'ok'}), chromium ` +
        `${r.decodable} decodable of ${r.chromium} (${r.error || 'ok'})`);
    console.log(`delays: ${timing} frames where ImageDecoder's duration is not the stored delay`);
    fs.writeFileSync(path.join(work, 'corpus.json'), JSON.stringify(results, null, 1));
    check(`every frame the page composes equals Chromium's (${frames} frames, ${results.length} files)`,
      mism === 0 && frames > 1000 && anims > 50, `${mism} mismatches`);
    check('frame counts agree with Chromium', counts.length === 0, `${counts.length} files differ`);
    console.log(`canvas side above 32767: ${refused.length} files, Chromium decoded ` +
      `${refused.reduce((s, r) => s + r.decodable, 0)} frames of them (` +
      refused.slice(0, 3).map((r) => `${r.url} ${r.canvas.join('x')}`).join(', ') +
      (refused.length > 3 ? ', ...' : '') + '; all in corpus.json)');
    check('Chromium refuses every canvas with a side above 32767 (docs/browser-model.md)',
      refused.every((r) => r.decodable === 0));

    // 2. Progressive display: the server stalls halfway through.
    const rel = 'wuffs/test/data/gifplayer-muybridge.gif';
    const size = fs.statSync(path.join(corpora, rel)).size;
    await page.goto(`${base}/index.html?url=/stall/corpus/${rel}?frac=0.5`);
    await page.waitForFunction(() => window.viewer && window.viewer.shownCount > 0, { timeout: 20000 });
    await new Promise((ok) => setTimeout(ok, 300));
    const mid = await page.evaluate(() => {
      const v = window.viewer, k = v.info.frames - 1;
      const f = v.show(k);
      return { received: v.received, frames: v.info.frames, final: v.info.final,
        first: v.firstFrameBytes, k, px: f ? Array.from(f.rgba) : null, complete: v.complete };
    });
    const chromiumMid = await page.evaluate(async (url, k) => {
      const buf = await (await fetch(url)).arrayBuffer();
      const dec = new ImageDecoder({ data: buf, type: 'image/gif', colorSpaceConversion: 'none' });
      await dec.completed;
      const { image } = await dec.decode({ frameIndex: k });
      const px = new Uint8Array(image.allocationSize({ format: 'RGBA' }));
      await image.copyTo(px, { format: 'RGBA' });
      return Array.from(px);
    }, `/corpus/${rel}`, mid.k);
    check(`while stalled at ${state.stalledAt} of ${size} bytes: ${mid.frames} frames shown, not final`,
      mid.received === state.stalledAt && !mid.complete && mid.frames > 10 && !mid.final &&
      mid.first > 0 && mid.first <= state.stalledAt, JSON.stringify({ ...mid, px: undefined }));
    check(`while stalled: frame ${mid.k} equals Chromium's`, mid.px && mid.px.length === chromiumMid.length &&
      mid.px.every((x, i) => x === chromiumMid[i]));
    await fetch(`${base}/release`);
    await page.waitForFunction(() => window.viewer.complete, { timeout: 20000 });
    const end = await page.evaluate(() => window.viewer.info);
    const want = results.filter((r) => r.url.endsWith('/gifplayer-muybridge.gif'))[0];
    check(`after the stall: all ${end.frames} frames`, end.final && want && end.frames === want.decodable,
      JSON.stringify(end));

    // 3. Screenshot of the page showing a frame at zoom 1.
    const shot = 'wuffs/test/data/animated-red-blue.gif';
    await page.goto(`${base}/index.html?url=/corpus/${shot}`);
    await page.waitForFunction(() => window.viewer && window.viewer.complete);
    await page.evaluate(() => { window.viewer.setZoom(1); window.viewer.show(2); });
    const box = await (await page.$('#view')).boundingBox();
    const png = await page.screenshot({ clip: box, encoding: 'base64' });
    const cmp = await page.evaluate(async (b64) => {
      const v = window.viewer;
      const f = v.show(2);
      const blob = await (await fetch('data:image/png;base64,' + b64)).blob();
      const bmp = await createImageBitmap(blob, { colorSpaceConversion: 'none' });
      const c = new OffscreenCanvas(bmp.width, bmp.height), x = c.getContext('2d');
      x.drawImage(bmp, 0, 0);
      const s = x.getImageData(0, 0, bmp.width, bmp.height).data;
      let opaque = 0, diff = 0;
      for (let i = 0; i < f.rgba.length; i += 4) {
        if (f.rgba[i + 3] !== 255) continue;
        opaque++;
        if (s[i] !== f.rgba[i] || s[i + 1] !== f.rgba[i + 1] || s[i + 2] !== f.rgba[i + 2]) diff++;
      }
      return { w: bmp.width, h: bmp.height, fw: f.width, fh: f.height, opaque, diff };
    }, png);
    fs.writeFileSync(path.join(work, 'screenshot.png'), Buffer.from(png, 'base64'));
    check(`screenshot: the page shows frame 2's ${cmp.opaque} opaque pixels exactly`,
      cmp.w === cmp.fw && cmp.h === cmp.fh && cmp.opaque > 100 && cmp.diff === 0, JSON.stringify(cmp));

    // 4. Zoom in and pan: the viewport's crop against Chromium's frames.
    const zoomIn = 'gdk-pixbuf/tests/1_partyanimsm2.gif';
    await page.goto(`${base}/index.html`);
    await page.waitForFunction(() => window.viewer);
    const zi = await page.evaluate(async (url) => {
      const v = window.viewer;
      const buf = await (await fetch(url)).arrayBuffer();
      const dec = new ImageDecoder({ data: buf, type: 'image/gif', colorSpaceConversion: 'none' });
      await dec.tracks.ready;
      await dec.completed;
      const n = dec.tracks.selectedTrack.frameCount;
      v.setZoom(2);
      await v.open(url);
      v.pause();
      v.cx = 100;
      v.cy = 120;
      v.setZoom(2);
      const vp = v.player.viewport;
      const r = { n, frames: v.info.frames, vp, compared: 0, bad: [] };
      if (!vp) return r;
      for (let k = 0; k < n; k++) {
        const { image } = await dec.decode({ frameIndex: k });
        const W = image.displayWidth, px = new Uint8Array(image.allocationSize({ format: 'RGBA' }));
        await image.copyTo(px, { format: 'RGBA' });
        image.close();
        const f = v.show(k), shown = v.pixels();
        if (!f || f.width !== vp.w || f.height !== vp.h) { r.bad.push(`${k}: size`); continue; }
        let diff = 0, canvasDiff = 0;
        for (let y = 0; y < vp.h; y++) {
          for (let x = 0; x < vp.w; x++) {
            const i = 4 * (y * vp.w + x), j = 4 * ((vp.y + y) * W + vp.x + x);
            for (let c = 0; c < 4; c++) {
              if (f.rgba[i + c] !== px[j + c]) diff++;
              // The canvas reads alpha 0 back as 0,0,0,0.
              if (shown[i + c] !== (px[j + 3] ? px[j + c] : 0)) canvasDiff++;
            }
          }
        }
        r.compared++;
        if (diff || canvasDiff) r.bad.push(`${k}: ${diff} bytes differ, ${canvasDiff} on the canvas`);
      }
      dec.close();
      return r;
    }, `/corpus/${zoomIn}`);
    check(`zoom 2, panned: ${zi.compared} frames of ${zoomIn} equal Chromium's ` +
      (zi.vp ? `${zi.vp.w}x${zi.vp.h} at ${zi.vp.x},${zi.vp.y}` : '(no viewport)'),
    zi.vp && zi.vp.x === 100 && zi.vp.y === 120 && zi.compared === zi.n && zi.n > 10 &&
      zi.frames === zi.n && zi.bad.length === 0, JSON.stringify(zi).slice(0, 400));

    // Zoomed out: the same big GIF opened at 1:1 and at 'fit'.
    const big = 'image-gif/benches/note.gif';
    const zo = await page.evaluate(async (url) => {
      const v = window.viewer;
      const run = async (z) => {
        v.setZoom(z);
        await v.open(url);
        v.pause();
        const f = v.show(0);
        return { w: f.width, h: f.height, peak: v.info.peakHeap, cw: v.info.canvasWidth,
          ch: v.info.canvasHeight };
      };
      return { full: await run('full'), fit: await run('fit') };
    }, `/corpus/${big}`);
    const canvasBytes = 4 * zo.full.cw * zo.full.ch;
    console.log(`zoom out: ${big} ${zo.full.cw}x${zo.full.ch} (a canvas is ${canvasBytes} B): ` +
      `1:1 peak heap ${zo.full.peak} B; fit ${zo.fit.w}x${zo.fit.h}, peak heap ${zo.fit.peak} B`);
    check(`zoomed out, ${big} is decoded into ${zo.fit.w}x${zo.fit.h}: peak heap ${zo.fit.peak} B, ` +
      `below one ${zo.full.cw}x${zo.full.ch} canvas (${canvasBytes} B)`,
    zo.full.w === zo.full.cw && zo.fit.w < zo.fit.cw && zo.fit.h < zo.fit.ch &&
      zo.fit.peak < canvasBytes && zo.full.peak >= canvasBytes, JSON.stringify(zo));
  } finally {
    await browser.close();
    server.close();
  }
  console.log(`chromium_test: ${failures} failures`);
  process.exit(failures ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
