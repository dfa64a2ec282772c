// The viewer page in headless Chromium, fed by a throttled server: how
// many of a big GIF's bytes have arrived when its first frame is on
// screen. Usage: node web_bench.js WEB_DIR WASM GIF WORKDIR [CHUNK MS]
'use strict';
const fs = require('fs');
const path = require('path');
const puppeteer = require('../../tests/web/node_modules/puppeteer-core');
const { start, launch } = require('../../tests/web/server');

async function main() {
  const [webDir, wasmFile, gif, work] = process.argv.slice(2, 6).map((p) => path.resolve(p));
  const chunk = +process.argv[6] || 32768, ms = +process.argv[7] || 20;
  fs.mkdirSync(work, { recursive: true });
  const { server, state, port } = await start({ webDir, wasmFile, corpora: work,
    genDir: path.dirname(gif) });
  const browser = await launch(puppeteer, fs.mkdtempSync(path.join(work, 'chromium-')));
  const size = fs.statSync(gif).size;
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/index.html?url=/slow/gen/${path.basename(gif)}` +
      `?chunk=${chunk}&ms=${ms}`);
    await page.waitForFunction(() => window.viewer && window.viewer.shownCount > 0, { timeout: 120000 });
    const sentAtFirst = state.sent;
    const v = await page.evaluate(() => ({ first: window.viewer.firstFrameBytes,
      ms: window.viewer.firstFrameMs, frames: window.viewer.info.frames }));
    await page.waitForFunction(() => window.viewer.complete, { timeout: 300000 });
    const end = await page.evaluate(() => ({ frames: window.viewer.info.frames,
      shown: window.viewer.shownCount, heap: window.viewer.info.peakHeap,
      limit: window.viewer.info.heapLimit }));
    const r = { file: path.basename(gif), bytes: size, chunk, ms,
      first_frame_bytes: v.first, first_frame_fraction: v.first / size,
      server_sent_at_first_frame: sentAtFirst, first_frame_ms: Math.round(v.ms),
      frames_known_then: v.frames, frames: end.frames, frames_shown: end.shown,
      peak_heap: end.heap, heap_limit: end.limit };
    console.log(JSON.stringify(r));
  } finally {
    await browser.close();
    server.close();
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
