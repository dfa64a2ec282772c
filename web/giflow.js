// giflow.js: the giflow player in the browser (giflow.wasm, built by
// web/build.sh). An ES module with no dependencies.
//
//   import { loadGiflow } from './giflow.js';
//   const giflow = await loadGiflow('giflow.wasm');
//   const player = giflow.player({ budgetCanvases: 8 });
//   for await (const chunk of chunks) player.append(chunk);  // as bytes arrive
//   player.end();                                            // no more bytes
//   const f = player.seek(12);  // {index, delayMs, startMs, width, height, rgba}
//   ctx.putImageData(new ImageData(f.rgba, f.width, f.height), 0, 0);
//
// Frames are composed as Chromium shows them (docs/browser-model.md);
// seek(), next() and frameAt() return null while the frame asked for has
// not fully arrived (call again after append()), and throw GiflowError for
// a broken or missing frame. f.rgba is a copy, safe to keep.

export const NEED_INPUT = 1;
export const END = 2;

export class GiflowError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

class Player {
  constructor(mod, opts) {
    this.m = mod;
    this.x = mod.exports;
    this.p = this.x.gw_player_new(opts.budgetCanvases || 8);
    this.out = this.x.gw_alloc(64);
    this.buf = 0;
    this.cap = 0;
    this.size = 0;
    this.complete = false;
    if (!this.p || !this.out) throw new GiflowError(-3, 'out of memory');
  }

  _u32() {
    return new Uint32Array(this.x.memory.buffer, this.out, 16);
  }

  _check(r) {
    if (r === 0) return true;
    if (r === NEED_INPUT) return false;
    if (r === END) throw new GiflowError(END, 'no such frame');
    throw new GiflowError(r, this.m.strerror(r));
  }

  // Bytes as they arrive (a Uint8Array). The player reads them in place.
  append(bytes) {
    if (this.complete) throw new GiflowError(-1, 'append after end()');
    const need = this.size + bytes.length;
    if (need > this.cap) {
      const cap = Math.max(need, this.cap * 2, 65536);
      const nb = this.x.gw_realloc(this.buf, cap);
      if (!nb) throw new GiflowError(-3, 'out of memory');
      this.buf = nb;
      this.cap = cap;
    }
    new Uint8Array(this.x.memory.buffer, this.buf + this.size, bytes.length).set(bytes);
    this.size = need;
    this._setMemory();
  }

  // The stream is complete.
  end() {
    this.complete = true;
    this._setMemory();
  }

  _setMemory() {
    const r = this.x.gw_set_memory(this.p, this.buf, this.size, this.complete ? 1 : 0);
    if (r < 0) throw new GiflowError(r, this.m.strerror(r));
  }

  // What is known so far: canvas and output size, frames complete so far,
  // whether that is final, one play's duration, loop count, memory. null
  // before the header has arrived.
  info() {
    const r = this.x.gw_info(this.p, this.out);
    const v = this._u32();
    if (r === NEED_INPUT) return null;
    if (r < 0 && !v[0]) throw new GiflowError(r, this.m.strerror(r));
    return {
      canvasWidth: v[0], canvasHeight: v[1], width: v[2], height: v[3],
      frames: v[4], final: v[5] === 1, durationMs: v[6] + v[7] * 4294967296,
      loopCount: v[8] | 0, status: v[9] | 0, bytesIndexed: v[10] + v[11] * 4294967296,
      heap: v[12], peakHeap: v[13], heapLimit: v[14], snapshots: v[15],
    };
  }

  _frame(r) {
    if (!this._check(r)) return null;
    const v = this._u32();
    const f = {
      index: v[0], delayMs: v[1], startMs: v[2] + v[3] * 4294967296,
      width: v[5], height: v[6], delayCs: v[7],
    };
    f.rgba = new Uint8ClampedArray(this.x.memory.buffer.slice(v[4], v[4] + f.width * f.height * 4));
    return f;
  }

  // Frame k composed (null: not arrived yet).
  seek(k) {
    return this._frame(this.x.gw_seek(this.p, k, this.out));
  }

  // The next frame in playback order, looping as browsers do; null: not
  // arrived yet; undefined: the animation has ended.
  next() {
    const r = this.x.gw_next(this.p, this.out);
    if (r === END) return undefined;
    return this._frame(r);
  }

  // The frame a browser shows ms after the start (null: not known yet).
  frameAt(ms) {
    return this._frame(this.x.gw_frame_at(this.p, ms, this.out));
  }

  // Crop {x, y, w, h} of the canvas, reduced to {outW, outH} (area
  // average, never enlarged); null for the whole canvas. Frames composed
  // from now on have the output size; memory follows the output.
  setViewport(vp) {
    this.viewport = vp;
    const r = vp
      ? this.x.gw_set_viewport(this.p, vp.x, vp.y, vp.w, vp.h, vp.outW, vp.outH)
      : this.x.gw_set_viewport(this.p, 0, 0, 0, 0, 0, 0);
    if (r < 0) throw new GiflowError(r, this.m.strerror(r));
  }

  free() {
    this.x.gw_player_free(this.p);
    this.x.gw_free(this.buf);
    this.x.gw_free(this.out);
    this.p = 0;
  }
}

// Loads giflow.wasm (a URL, or its bytes) and returns the module's face.
export async function loadGiflow(wasm = new URL('giflow.wasm', import.meta.url)) {
  const bytes = wasm instanceof ArrayBuffer || ArrayBuffer.isView(wasm)
    ? wasm : await (await fetch(wasm)).arrayBuffer();
  const { instance } = await WebAssembly.instantiate(bytes, {});
  instance.exports._initialize();
  const mod = {
    exports: instance.exports,
    strerror(r) {
      const mem = new Uint8Array(instance.exports.memory.buffer);
      let p = instance.exports.gw_strerror(r), s = '';
      while (mem[p]) s += String.fromCharCode(mem[p++]);
      return s;
    },
  };
  return {
    player: (opts = {}) => new Player(mod, opts),
    stateSize: () => instance.exports.gw_state_size(),
    strerror: mod.strerror,
  };
}

// Feeds a player from a streaming fetch as bytes arrive. onChunk(player,
// received, total) runs after each chunk (total: Content-Length or 0).
export async function fetchInto(player, url, onChunk = () => {}) {
  const res = await fetch(url);
  if (!res.ok) throw new GiflowError(-30, `HTTP ${res.status} for ${url}`);
  const total = +res.headers.get('Content-Length') || 0;
  const reader = res.body.getReader();
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    player.append(value);
    received += value.length;
    onChunk(player, received, total);
  }
  player.end();
  onChunk(player, received, total);
}
