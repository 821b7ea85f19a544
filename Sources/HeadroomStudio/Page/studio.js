// Headroom Studio: the page. Plain JavaScript, no libraries, nothing from the internet.
// The server draws the plots (SVG); this file fetches them, plays audio (Web Audio, so switching between mix and
// master is instant and at the same position), and talks to the JSON API.
'use strict';

const $ = (sel) => document.querySelector(sel);
const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v; else if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
};
const minus = (s) => String(s).replace('-', '−');
const fmt = (x, d = 1) => (x === null || x === undefined || Number.isNaN(x)) ? '–' : minus(Number(x).toFixed(d));
const clock = (t) => `${Math.floor(t / 60)}:${(t % 60).toFixed(1).padStart(4, '0')}`;

async function api(path, options = {}) {
  const r = await fetch(path, options);
  if (!r.ok) {
    let message = `${r.status}`;
    try { const j = await r.json(); message = typeof j.error === 'string' ? j.error : (j.error && j.error.message) || message; } catch (_) {}
    throw new Error(message);
  }
  return r.status === 204 ? null : r.json();
}
const post = (path, body, method = 'POST') =>
  api(path, { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

function say(text, ok = false) {
  const m = $('#message');
  m.textContent = text; m.hidden = !text; m.className = ok ? 'ok' : '';
  if (ok) setTimeout(() => { if (m.textContent === text) m.hidden = true; }, 4000);
}

// ---------------------------------------------------------------- player

const player = {
  ctx: null, buffers: {}, node: null, gain: null, source: 'mix', offset: 0, startedAt: 0, playing: false,
  loop: null, urls: {}, gains: { mix: 0, master: 0 }, matched: true, duration: 0,

  context() {
    if (!this.ctx) {
      this.ctx = new AudioContext();
      this.gain = this.ctx.createGain();
      this.gain.connect(this.ctx.destination);
    }
    return this.ctx;
  },
  async buffer(key) {
    const url = this.urls[key];
    if (!url) return null;
    if (!this.buffers[url]) {
      this.buffers[url] = fetch(url).then((r) => r.arrayBuffer()).then((b) => this.context().decodeAudioData(b));
    }
    return this.buffers[url];
  },
  position() {
    if (!this.playing) return this.offset;
    let t = this.offset + (this.ctx.currentTime - this.startedAt);
    if (this.loop && t >= this.loop.end) t = this.loop.start + ((t - this.loop.start) % (this.loop.end - this.loop.start));
    return Math.min(t, this.duration || t);
  },
  gainDB(key) { return this.matched ? (this.gains[key] || 0) : 0; },
  applyGain() { if (this.gain) this.gain.gain.value = Math.pow(10, this.gainDB(this.source) / 20); },
  async start(at) {
    const buf = await this.buffer(this.source);
    if (!buf) return;
    this.stopNode();
    const node = this.context().createBufferSource();
    node.buffer = buf;
    if (this.loop) { node.loop = true; node.loopStart = this.loop.start; node.loopEnd = this.loop.end; }
    node.connect(this.gain);
    this.applyGain();
    this.offset = Math.max(0, Math.min(at, buf.duration - 0.01));
    this.startedAt = this.ctx.currentTime;
    node.onended = () => { if (this.node === node && !this.loop) { this.playing = false; this.offset = 0; this.show(); } };
    node.start(0, this.offset);
    this.node = node; this.playing = true;
    this.show();
  },
  stopNode() { if (this.node) { this.node.onended = null; try { this.node.stop(); } catch (_) {} this.node = null; } },
  async toggle() {
    if (this.playing) { this.offset = this.position(); this.stopNode(); this.playing = false; this.show(); }
    else { await this.context().resume(); await this.start(this.offset); }
  },
  async seek(t) {
    this.offset = Math.max(0, Math.min(t, this.duration || t));
    if (this.playing) await this.start(this.offset); else this.show();
  },
  async use(key) {
    if (!this.urls[key]) return;
    // The last key pressed wins: a switch still decoding when another is asked for is dropped.
    const request = this.request = (this.request || 0) + 1;
    const at = this.position();
    if (this.playing) await this.buffer(key);  // decode first, so the switch itself is instant
    if (request !== this.request) return;
    this.source = key;
    document.querySelectorAll('.source').forEach((b) => b.classList.toggle('active', b.dataset.source === key));
    if (this.playing) await this.start(at); else { this.offset = at; this.applyGain(); this.show(); }
    $('#player').dataset.source = key;
  },
  setLoop(range) {
    this.loop = range;
    $('#loop').textContent = range ? `looping ${clock(range.start)}–${clock(range.end)} (click the section again to stop)` : '';
    if (this.playing) this.start(range ? range.start : this.position());
    else if (range) this.seek(range.start);
  },
  show() {
    const t = this.position();
    $('#time').textContent = clock(t);
    $('#play').textContent = this.playing ? '❚❚' : '▶';
    const p = $('#player');
    p.dataset.position = t.toFixed(2); p.dataset.playing = String(this.playing);
    // The gain shown is the one the source being heard gets (the master's while the mix plays).
    const key = this.source === 'mix' ? 'master' : this.source;
    const g = this.gains[key] || 0;
    const gain = $('#match-gain');
    gain.dataset.gainDb = g.toFixed(2);
    const label = key.startsWith('p:') ? key.slice(2) : key;
    gain.textContent = this.urls[key] ? `${label} ${g >= 0 ? '+' : ''}${fmt(g)} dB to match the mix${this.matched ? '' : ' (off: true levels)'}` : '';
    for (const id of ['#plot-waveform', '#plot-loudness', '#plot-gain']) {
      const box = $(id), svg = box.querySelector('svg'), head = box.querySelector('.playhead');
      if (!svg || !this.duration) continue;
      const x = 4 + (44 + (t / this.duration) * (1000 - 52)) / 1000 * svg.clientWidth;
      head.style.left = `${x}px`; head.style.display = 'block';
    }
  },
};
setInterval(() => { if (player.playing) player.show(); }, 100);

// ---------------------------------------------------------------- the song

const state = { song: null, view: null, render: null, events: {} };

function showSongList(songs) {
  $('#song-list').replaceChildren(...songs.map((s) => el('li', { 'data-id': s.id, class: s.id === state.song ? 'active' : '', onclick: () => openSong(s.id) },
    el('span', {}, s.name), el('span', { class: 'hint' }, s.status === 'ready' ? `${fmt(s.integratedLUFS)} LUFS` : s.status))));
}

async function loadSongs(select) {
  const songs = await api('/api/songs');
  showSongList(songs);
  if (select) await openSong(select);
  else if (!state.song && songs.length) await openSong(songs[songs.length - 1].id);
}

async function openSong(id) {
  $('#album').hidden = true;
  if (state.song !== id) {
    player.stopNode(); player.playing = false; player.offset = 0; player.buffers = {}; player.loop = null; state.render = null;
  }
  state.song = id;
  history.replaceState(null, '', `#song=${id}`);
  document.querySelectorAll('#song-list li').forEach((li) => li.classList.toggle('active', li.dataset.id === id));
  const v = await api(`/api/songs/${id}`);
  state.view = v;
  $('#song').hidden = false;
  $('#song-title').textContent = v.song.name;
  $('#song-format').textContent = v.format ? `${v.format}, ${clock(v.song.durationSeconds || 0)}` : '';
  for (const job of v.jobs) if (job.status === 'queued' || job.status === 'running') follow(job);
  if (v.song.status === 'failed') say(`${v.song.name}: ${v.song.error}`);
  if (v.song.status !== 'ready') return;
  const done = v.renders.filter((r) => r.record.status === 'done');
  if (!state.render || !done.some((r) => r.record.id === state.render)) state.render = done.length ? done[done.length - 1].record.id : null;
  player.duration = v.song.durationSeconds;
  player.urls = { mix: `/api/songs/${id}/audio` };
  const render = done.find((r) => r.record.id === state.render);
  if (render) { player.urls.master = `/api/songs/${id}/renders/${render.record.id}/audio`; player.gains.master = render.matchGainDB; }
  else if (player.source === 'master') player.source = 'mix';
  $('#source-master').disabled = !render;
  if (v.reference) { player.urls.reference = `/api/songs/${v.reference.id}/audio`; player.gains.reference = v.numbers.integratedLUFS - v.reference.integratedLUFS; }
  else { delete player.urls.reference; if (player.source === 'reference') player.source = 'mix'; }
  $('#source-reference').disabled = !v.reference;
  $('#source-reference').textContent = v.reference ? `3 ${v.reference.name}` : '3 Reference';
  document.querySelector('.legend .ref').hidden = !v.reference;
  await showReferenceChoice(v);
  showPreviews(id, render);
  showNumbers(v, render); showChecklist(v); showNotes(v); showRenders(v); showVerdict(render); showSettings(render);
  // One render at a time per song: the button waits for the running one.
  $('#render-button').disabled = v.jobs.some((j) => j.kind === 'render' && (j.status === 'queued' || j.status === 'running'));
  document.querySelector('.legend .after').hidden = !render;
  await showPlots(id, render);
  player.show();
}

async function showPlots(id, render) {
  const q = render ? `?render=${render.record.id}` : '';
  $('#plot-gain').hidden = !render;
  await Promise.all(['waveform', 'loudness', 'spectrum'].concat(render ? ['gain'] : []).map(async (name) => {
    const r = await fetch(`/api/songs/${id}/plots/${name}.svg${q}`);
    const box = $(`#plot-${name}`);
    const head = box.querySelector('.playhead');
    box.innerHTML = await r.text();
    if (head) box.append(head);
  }));
  // The waveform seeks where it is clicked; a section of the loudness plot (or any section's label) loops it.
  for (const name of ['waveform', 'loudness']) {
    const svg = $(`#plot-${name}`).querySelector('svg');
    svg.addEventListener('click', (e) => {
      const rect = svg.getBoundingClientRect();
      const t = ((e.clientX - rect.left) / rect.width * 1000 - 44) / (1000 - 52) * player.duration;
      const label = e.target.classList.contains('section-label');
      if ((name === 'loudness' && e.target.classList.contains('section')) || label) {
        const index = label ? [...svg.querySelectorAll('.section-label')].indexOf(e.target) : -1;
        const s = label ? svg.querySelectorAll('.section')[index] : e.target;
        loopSection(s);
      } else if (t >= 0) player.seek(t);
    });
  }
  showNoteMarkers();
}

// Speaker models and codecs, made from the selected master (or the mix) when first asked for, played at the
// mix's loudness like every other source.
let previewSources = null;
async function showPreviews(id, render) {
  if (!previewSources) previewSources = await api('/api/previews');
  const q = render ? `?render=${render.record.id}` : '';
  for (const key of Object.keys(player.urls)) if (key.startsWith('p:')) delete player.urls[key];
  const buttons = previewSources.map((p, i) => {
    const key = `p:${p.name}`;
    const b = el('button', { class: 'source', 'data-source': key, id: `source-${p.name}`, title: p.summary }, p.name);
    b.addEventListener('click', async () => {
      b.disabled = true;
      try {
        const info = await api(`/api/songs/${id}/previews/${p.name}${q}`);
        player.urls[key] = `/api/songs/${id}/previews/${p.name}/audio${q}`;
        player.gains[key] = state.view.numbers.integratedLUFS - info.integratedLUFS;
        await player.use(key);
      } catch (e) { say(e.message); }
      b.disabled = false;
    });
    return i === 7 ? [el('span', { class: 'sep' }, '·'), b] : [b];
  }).flat();
  $('#previews').replaceChildren(el('span', { class: 'hint' }, `Hear the ${render ? 'master' : 'mix'} on`), ...buttons);
}

// The selected render's settings back in the form, to adjust from there.
// The chain's controls start from the selected render's plan; a control the user changes is marked and
// only marked values are sent (the planner decides the rest).
function showChain(render) {
  const c = render && render.chain;
  // What the selected render was told beyond the planner's choices: the next render starts from it too.
  state.baseChain = (render && render.settings && render.settings.chain) || {};
  const set = (id, v) => { const i = $(`#chain-${id}`); i.value = v === undefined || v === null ? '' : v; delete i.dataset.changed; };
  set('compressorThresholdDB', c && c.compressor.thresholdDB.toFixed(1));
  set('compressorRatio', c && c.compressor.ratio);
  set('compressorAttackMilliseconds', c && c.compressor.attackMilliseconds);
  set('compressorReleaseMilliseconds', c && c.compressor.releaseMilliseconds);
  set('limiterLookaheadMilliseconds', c && c.limiter.lookaheadMilliseconds);
  set('limiterReleaseMilliseconds', c && c.limiter.releaseMilliseconds);
  set('widthDB', state.baseChain.widthDB || 0);
  $('#eq-bands').dataset.changed = '';
  delete $('#eq-bands').dataset.changed;
  $('#eq-bands tbody').replaceChildren(...((c && c.eq.enabled) ? c.eq.bands : []).map(eqRow));
}

function eqRow(b) {
  const changed = () => { $('#eq-bands').dataset.changed = 'true'; };
  const kind = el('select', { class: 'eq-kind', onchange: changed }, ...['bell', 'lowShelf', 'highShelf'].map((k) => el('option', { value: k }, k)));
  kind.value = b.kind;
  const input = (cls, v) => el('input', { class: cls, inputmode: 'decimal', size: '5', value: String(v), oninput: changed });
  return el('tr', {}, el('td', {}, kind), el('td', {}, input('eq-hz', b.frequencyHz)), el('td', {}, input('eq-db', b.gainDB)),
    el('td', {}, input('eq-q', b.q)), el('td', {}, el('button', { type: 'button', title: 'remove', onclick: (e) => { e.target.closest('tr').remove(); changed(); } }, '✕')));
}
$('#eq-add').addEventListener('click', () => { $('#eq-bands tbody').append(eqRow({ kind: 'bell', frequencyHz: 1000, gainDB: 0, q: 1 })); $('#eq-bands').dataset.changed = 'true'; });
document.querySelectorAll('input.chain').forEach((i) => i.addEventListener('input', () => { i.dataset.changed = 'true'; }));

// The chain edits to send: only what the user changed.
function chainEdits() {
  const chain = { ...(state.baseChain || {}) };
  document.querySelectorAll('input.chain').forEach((i) => {
    if (i.dataset.changed) { const v = num(`#${i.id}`); if (v !== undefined) chain[i.id.slice('chain-'.length)] = v; }
  });
  if ($('#eq-bands').dataset.changed) {
    chain.eqBands = [...document.querySelectorAll('#eq-bands tbody tr')].map((tr) => {
      const n = (cls) => { const v = Number(tr.querySelector(cls).value.trim().replace('\u2212', '-')); if (!Number.isFinite(v)) throw new Error(`EQ band: "${tr.querySelector(cls).value}" is not a number`); return v; };
      return { kind: tr.querySelector('.eq-kind').value, frequencyHz: n('.eq-hz'), gainDB: n('.eq-db'), q: n('.eq-q') };
    });
  }
  return Object.keys(chain).length ? chain : undefined;
}

function showSettings(render) {
  showChain(render);
  const s = render && render.settings;
  if (!s) return;
  $('#render-target').value = s.target;
  $('#render-lufs').value = s.lufs === undefined || s.lufs === null ? '' : s.lufs;
  $('#render-ceiling').value = s.ceiling === undefined || s.ceiling === null ? '' : s.ceiling;
  $('#render-evenout').value = s.evenOut; $('#evenout-value').textContent = (+s.evenOut).toFixed(2);
  for (const k of ['sectionGain', 'keepShape', 'eq', 'compressor', 'stereoLows']) $(`#stage-${k}`).checked = s[k];
}

// Any other analyzed song of the library can be this song's reference: heard with 3, matched by the render.
async function showReferenceChoice(v) {
  const songs = await api('/api/songs');
  const select = $('#render-reference');
  select.replaceChildren(el('option', { value: '' }, 'none'),
    ...songs.filter((s) => s.id !== v.song.id && s.status === 'ready').map((s) => el('option', { value: s.id }, s.name)));
  select.value = v.reference ? v.reference.id : '';
  $('#match-box').hidden = !v.reference;
}
$('#render-reference').addEventListener('change', async (e) => {
  try {
    await post(`/api/songs/${state.song}/reference`, { referenceID: e.target.value || null });
    await openSong(state.song);
  } catch (err) { say(err.message); }
});

function loopSection(s) {
  const range = { start: +s.dataset.start, end: +s.dataset.end };
  const same = player.loop && player.loop.start === range.start;
  document.querySelectorAll('svg .section').forEach((r) => r.classList.toggle('looping', !same && r.dataset.start === s.dataset.start));
  player.setLoop(same ? null : range);
}

function showNumbers(v, render) {
  const n = v.numbers, a = render && render.after;
  const rows = [['integrated', 'integratedLUFS', 'LUFS'], ['true peak', 'truePeakDBTP', 'dBTP', 2], ['loudness range', 'loudnessRangeLU', 'LU'],
    ['PLR', 'plrDB', 'dB'], ['crest factor', 'crestFactorDB', 'dB'], ['DR', 'dynamicRangeDR', '', 0], ['mono loss', 'monoLossLU', 'LU']];
  $('#numbers').replaceChildren(el('tr', {}, el('th', {}, ''), el('th', {}, 'mix'), el('th', {}, a ? 'master' : ''), el('th', {}, '')),
    ...rows.map(([label, key, unit, d]) => el('tr', { 'data-key': key }, el('td', {}, label), el('td', { class: 'before' }, fmt(n[key], d ?? 1)),
      el('td', { class: 'after' }, a ? fmt(a[key], d ?? 1) : ''), el('td', { class: 'hint' }, unit))));
}

function showVerdict(render) {
  const v = $('#verdict');
  if (!render) { v.textContent = 'Not mastered yet: choose a target and render.'; v.className = ''; return; }
  const r = render.record;
  v.textContent = `${r.targetName}: ${fmt(r.integratedLUFS)} LUFS, true peak ${fmt(r.truePeakDBTP, 2)} dBTP — ${render.verdict}`;
  v.className = r.targetHit && r.ceilingHeld ? 'good' : 'bad';
  v.dataset.truePeak = r.truePeakDBTP; v.dataset.renderId = r.id;
}

function showChecklist(v) {
  const marks = { problem: '✗', strength: '✓', info: 'i' };
  $('#checklist').replaceChildren(...v.checklist.map((item) => {
    const attrs = { 'data-item-id': item.id, class: `kind-${item.kind}${item.done ? ' done' : ''}` };
    if (item.startSeconds !== null && item.startSeconds !== undefined) attrs['data-time'] = item.startSeconds;
    const box = el('input', { type: 'checkbox', title: 'tick when done' });
    box.checked = item.done;
    box.addEventListener('change', async () => {
      await post(`/api/songs/${state.song}/ticks`, { itemID: item.id, done: box.checked });
      box.closest('li').classList.toggle('done', box.checked);
    });
    const title = el('span', { class: 'title' }, `#${item.id} ${item.title}`);
    if (attrs['data-time'] !== undefined) title.addEventListener('click', () => player.seek(item.startSeconds));
    return el('li', attrs, box, el('span', { class: 'mark' }, marks[item.kind] || ''),
      el('span', {}, title, item.action ? el('span', { class: 'action' }, `→ ${item.action}`) : ''),
      item.status ? el('span', { class: `status ${item.status}` }, item.status) : '');
  }));
}

function showNotes(v) {
  $('#notes').replaceChildren(...v.notes.map((n) => {
    const box = el('input', { type: 'checkbox', title: 'tick when done' });
    box.checked = n.done;
    box.addEventListener('change', async () => {
      await post(`/api/songs/${state.song}/notes/${n.id}`, { done: box.checked }, 'PATCH');
      box.closest('li').classList.toggle('done', box.checked);
    });
    return el('li', { 'data-note-id': n.id, 'data-time': n.timeSeconds, class: n.done ? 'done' : '' }, box,
      el('span', { class: 'time', onclick: () => player.seek(n.timeSeconds) }, clock(n.timeSeconds)), el('span', { class: 'text' }, n.text),
      el('button', { class: 'delete', title: 'delete the note', onclick: async () => {
        await api(`/api/songs/${state.song}/notes/${n.id}`, { method: 'DELETE' }); await openSong(state.song);
      } }, '×'));
  }));
  showNoteMarkers();
}

function showNoteMarkers() {
  const box = $('#plot-waveform'), svg = box.querySelector('svg');
  box.querySelectorAll('.note-marker').forEach((m) => m.remove());
  if (!svg || !state.view || !player.duration) return;
  for (const n of state.view.notes) {
    const x = 4 + (44 + (n.timeSeconds / player.duration) * (1000 - 52)) / 1000 * svg.clientWidth;
    box.append(el('div', { class: 'note-marker', title: `${clock(n.timeSeconds)} ${n.text}`, style: `left:${x}px`, onclick: () => player.seek(n.timeSeconds) }));
  }
}

function showRenders(v) {
  $('#renders').replaceChildren(...v.renders.map((r) => {
    const rec = r.record;
    const li = el('li', { 'data-render-id': rec.id, 'data-status': rec.status, class: rec.id === state.render ? 'selected' : '' },
      el('span', { class: 'name', onclick: () => { if (rec.status === 'done') { state.render = rec.id; openSong(state.song); } } },
        `${new Date(rec.createdAt).toLocaleTimeString()} ${rec.targetName || ''} ${rec.status === 'done' ? `${fmt(rec.integratedLUFS)} LUFS, ${fmt(rec.truePeakDBTP, 2)} dBTP` : rec.status}`));
    if (rec.status === 'done') {
      li.append(el('a', { href: `/api/songs/${state.song}/renders/${rec.id}/master.wav`, class: 'download-master' }, 'master'),
        el('a', { href: `/api/songs/${state.song}/renders/${rec.id}/session.json`, class: 'download-session' }, 'session'),
        el('a', { href: `/api/songs/${state.song}/renders/${rec.id}/report.html`, class: 'download-report' }, 'report'));
    }
    if (rec.error && rec.error !== rec.status) li.append(el('span', { class: 'hint' }, ` ${rec.error}`));
    return li;
  }));
}

// ---------------------------------------------------------------- jobs

// One job's progress over server-sent events, with its box and Cancel button; `onEnd` runs once it is
// done, failed or cancelled. Shared by a song's jobs and the album's.
function watchJob(job, { box, cancel, step, cancellingText, onCancel, onProgress, onEnd, onError }) {
  if (state.events[job.id]) return;
  const source = new EventSource(`/api/jobs/${job.id}/events`);
  state.events[job.id] = source;
  box.hidden = false;
  cancel.disabled = false;
  cancel.onclick = async () => {
    cancel.disabled = true;
    if (onCancel) onCancel();
    step.textContent = cancellingText;
    try { await post(`/api/jobs/${job.id}/cancel`, {}); } catch (err) { say(err.message); }
  };
  source.onmessage = async (e) => {
    const j = JSON.parse(e.data);
    onProgress(j);
    if (j.status !== 'queued' && j.status !== 'running') {
      source.close(); delete state.events[job.id];
      await onEnd(j);
    }
  };
  source.onerror = () => { source.close(); delete state.events[job.id]; if (onError) onError(); };
}

function follow(job) {
  const box = $('#job');
  watchJob(job, {
    box, cancel: $('#job-cancel'), step: $('#job-step'), cancellingText: 'cancelling…',
    onProgress: (j) => {
      $('#job-step').textContent = `${j.kind === 'render' ? 'rendering' : 'analyzing'}: ${j.step}`;
      $('#job-progress').value = j.fraction;
      $('#job-progress').dataset.status = j.status;
    },
    onEnd: async (j) => {
      box.hidden = Object.keys(state.events).length === 0;
      if (j.status === 'failed') say(j.message || 'the job failed');
      if (j.status === 'cancelled') say(`${j.kind === 'render' ? 'render' : 'analysis'} cancelled: nothing was kept`, true);
      if (j.kind === 'render' && j.status === 'done') state.render = j.renderID;
      await loadSongs(); if (j.songID === state.song) await openSong(j.songID);
    },
    onError: () => setTimeout(() => openSong(state.song), 500),
  });
}

// ---------------------------------------------------------------- adding songs

async function upload(file) {
  say(`uploading ${file.name}…`, true);
  try {
    const r = await api(`/api/songs?name=${encodeURIComponent(file.name)}`, { method: 'POST', body: file,
      headers: { 'Content-Type': 'application/octet-stream' } });
    say(`${file.name}: analyzing…`, true);
    await loadSongs(r.song.id);
    follow(r.job);
  } catch (e) { say(e.message); }
}

$('#file-input').addEventListener('change', (e) => { if (e.target.files[0]) upload(e.target.files[0]); e.target.value = ''; });
$('#path-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    const r = await post('/api/songs/by-path', { path: $('#path-input').value });
    $('#path-input').value = '';
    say('');
    await loadSongs(r.song.id); follow(r.job);
  } catch (err) { say(err.message); }
});
document.addEventListener('dragover', (e) => { e.preventDefault(); document.body.classList.add('dragging'); });
document.addEventListener('dragleave', () => document.body.classList.remove('dragging'));
document.addEventListener('drop', (e) => {
  e.preventDefault(); document.body.classList.remove('dragging');
  if (e.dataTransfer.files[0]) upload(e.dataTransfer.files[0]);
});

// ---------------------------------------------------------------- controls

$('#play').addEventListener('click', () => player.toggle());
document.querySelectorAll('.source').forEach((b) => b.addEventListener('click', () => player.use(b.dataset.source)));
$('#match').addEventListener('change', (e) => { player.matched = e.target.checked; player.applyGain(); player.show(); });

function openNote() {
  $('#note-form').hidden = false;
  $('#note-form').dataset.time = player.position();
  $('#note-at').textContent = `note at ${clock(player.position())}`;
  $('#note-text').focus();
}
$('#note-button').addEventListener('click', openNote);
$('#note-cancel').addEventListener('click', () => { $('#note-form').hidden = true; });
$('#note-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    await post(`/api/songs/${state.song}/notes`, { timeSeconds: +$('#note-form').dataset.time, text: $('#note-text').value });
    $('#note-text').value = ''; $('#note-form').hidden = true;
    await openSong(state.song);
  } catch (err) { say(err.message); }
});

document.addEventListener('keydown', (e) => {
  if (e.target.matches('input:not([type=checkbox]):not([type=range]), select, textarea') || !state.view) return;
  if (e.key === '1') player.use('mix');
  else if (e.key === '2') player.use('master');
  else if (e.key === '3') player.use('reference');
  else if (e.key === 'n' || e.key === 'N') { e.preventDefault(); openNote(); }
  else if (e.key === ' ') { e.preventDefault(); player.toggle(); }
});

// Numbers as people type or paste them: "−1.6" (the reports' minus) or "-1.6"; empty is undefined.
function num(id) {
  const text = $(id).value.trim().replace('\u2212', '-');
  if (text === '') return undefined;
  const v = Number(text);
  if (!Number.isFinite(v)) throw new Error(`${($(id).closest('label') || $(id)).textContent.trim()}: "${$(id).value}" is not a number`);
  return v;
}

const targets = { spotify: [-14, -1], apple: [-16, -1], youtube: [-14, -1], tidal: [-14, -1], amazon: [-14, -2], deezer: [-15, -1],
  'ebu-r128': [-23, -1], loud: [-9, -0.3] };
$('#render-target').replaceChildren(...Object.entries(targets).map(([k, [l, c]]) => el('option', { value: k }, `${k} (${fmt(l, 0)} LUFS, ${fmt(c, 1)} dBTP)`)));
$('#render-evenout').addEventListener('input', (e) => { $('#evenout-value').textContent = (+e.target.value).toFixed(2); });
$('#render-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    const body = { target: $('#render-target').value, lufs: num('#render-lufs'), ceiling: num('#render-ceiling'), evenOut: +$('#render-evenout').value };
    for (const s of ['sectionGain', 'keepShape', 'eq', 'compressor', 'stereoLows']) body[s] = $(`#stage-${s}`).checked;
    for (const [k, id] of [['matchEQ', '#match-eq'], ['matchWidth', '#match-width'], ['matchLoudness', '#match-loudness'], ['matchDynamics', '#match-dynamics']]) {
      const v = num(id); if (v !== undefined) body[k] = v;
    }
    const chain = chainEdits();
    if (chain) body.chain = chain;
    $('#render-button').disabled = true;
    const r = await post(`/api/songs/${state.song}/renders`, body);
    say('');
    follow(r.job);
    await openSong(state.song);
  } catch (err) { say(err.message); $('#render-button').disabled = false; }
});

// ---------------------------------------------------------------- the album

async function openAlbum() {
  player.stopNode(); player.playing = false; player.show();
  state.song = null; state.view = null;
  document.querySelectorAll('#song-list li').forEach((li) => li.classList.remove('active'));
  history.replaceState(null, '', '#album');
  $('#song').hidden = true; $('#album').hidden = false;
  const [v, songs] = await Promise.all([api('/api/album'), api('/api/songs')]);
  state.album = v;
  showSongList(songs);
  const ids = v.tracks.map((t) => t.songID);
  const order = (next) => setAlbum(next);
  const lufs = v.tracks.map((t) => t.integratedLUFS), low = Math.min(...lufs, 0) - 1;
  const done = v.renders.filter((r) => r.record.status === 'done');
  // The masters' transitions are the last render's, heard only while the album keeps that render's order.
  const latest = done.length ? done[done.length - 1] : null;
  const last = latest && JSON.stringify(JSON.parse(latest.record.songIDsJSON)) === JSON.stringify(v.tracks.map((t) => t.songID)) ? latest : null;
  $('#album-tracks tbody').replaceChildren(...v.tracks.map((t, i) => el('tr', { 'data-song': t.songID },
    el('td', {}, String(i + 1)), el('td', {}, t.name),
    el('td', {},
      el('button', { type: 'button', title: 'earlier', onclick: () => { const n = ids.slice(); [n[i - 1], n[i]] = [n[i], n[i - 1]]; order(n); }, ...(i === 0 ? { disabled: '' } : {}) }, '↑'),
      el('button', { type: 'button', title: 'later', onclick: () => { const n = ids.slice(); [n[i + 1], n[i]] = [n[i], n[i + 1]]; order(n); }, ...(i === ids.length - 1 ? { disabled: '' } : {}) }, '↓'),
      el('button', { type: 'button', title: 'take off the album', class: 'remove', onclick: () => order(ids.filter((x) => x !== t.songID)) }, '✕')),
    el('td', { class: 'num' }, fmt(t.integratedLUFS), el('span', { class: 'bar', style: `width:${Math.max(2, (t.integratedLUFS - low) * 4)}px` })),
    el('td', { class: 'num' }, fmt(t.loudestSectionLUFS)), el('td', { class: 'num' }, fmt(t.loudnessRangeLU)),
    el('td', { class: 'num', title: Object.entries(t.regionsDB).map(([k, d]) => `${k} ${fmt(d)} dB`).join(', ') }, `${fmt(t.toneDistanceDB)} dB`),
    el('td', {}, i + 1 < v.tracks.length
      ? el('span', {}, el('button', { type: 'button', class: 'transition mix', onclick: () => playTransition(i + 1, null) }, `▶ mixes`),
        ...(last ? [el('button', { type: 'button', class: 'transition master', onclick: () => playTransition(i + 1, last.record.id) }, '▶ masters')] : []))
      : ''))));
  $('#album-spread').textContent = v.tracks.length
    ? `Spread before mastering: loudness ${fmt(v.loudnessSpreadLU)} LU (loudest − quietest), tone ${fmt(v.tonalSpreadDB)} dB (mean over bands of the tracks' standard deviation).`
    : 'No songs on the album yet: add them below.';
  $('#album-spread').dataset.loudnessSpread = v.loudnessSpreadLU;
  const others = songs.filter((s) => !ids.includes(s.id));
  $('#album-others').replaceChildren(...others.map((s) => el('li', {},
    el('button', { type: 'button', class: 'add', 'data-song': s.id, onclick: () => order(ids.concat([s.id])), ...(s.status === 'ready' ? {} : { disabled: '' }) }, '+ add'),
    ` ${s.name} `, el('span', { class: 'hint' }, s.status === 'ready' ? `${fmt(s.integratedLUFS)} LUFS` : s.status))));
  $('#album-render').disabled = v.tracks.length < 2 || v.jobs.some((j) => j.status === 'queued' || j.status === 'running');
  $('#album-renders').replaceChildren(...v.renders.map((r) => {
    const rec = r.record;
    const head = el('div', {}, `${new Date(rec.createdAt).toLocaleTimeString()} — ${rec.status}`,
      rec.status === 'done' ? ` · loudness spread ${fmt(rec.loudnessSpreadBeforeLU)} → ${fmt(rec.loudnessSpreadAfterLU)} LU, tone ${fmt(rec.tonalSpreadBeforeDB, 2)} → ${fmt(rec.tonalSpreadAfterDB, 2)} dB` : (rec.error && rec.error !== rec.status ? `: ${rec.error}` : ''));
    const li = el('li', { 'data-render': rec.id, 'data-status': rec.status }, head);
    if (r.report) {
      li.append(el('table', {}, el('tr', {}, ...['track', 'mix LUFS', 'master LUFS', 'true peak', ''].map((h) => el('th', {}, h))),
        ...r.report.tracks.map((t, i) => el('tr', { class: 'album-track' }, el('td', {}, `${i + 1} ${t.name}`), el('td', {}, fmt(t.beforeLUFS)),
          el('td', { class: 'after-lufs' }, fmt(t.afterLUFS)), el('td', {}, `${fmt(t.truePeak8xDBTP, 2)} dBTP`),
          el('td', {}, t.status === 'mastered' ? el('a', { href: `/api/album/renders/${rec.id}/tracks/${i + 1}/master.wav`, download: '' }, 'download') : (t.error || t.status))))));
      li.append(el('a', { href: `/api/album/renders/${rec.id}/album.json`, download: '' }, 'album report (JSON)'));
    }
    return li;
  }));
  for (const job of v.jobs) if (job.status === 'queued' || job.status === 'running') followAlbum(job);
}

async function setAlbum(ids) {
  try { await post('/api/album', { songIDs: ids }, 'PUT'); await openAlbum(); } catch (err) { say(err.message); }
}

function playTransition(n, render) {
  const audio = $('#album-audio');
  audio.hidden = false;
  audio.src = `/api/album/transitions/${n}/audio${render ? `?render=${render}` : ''}`;
  audio.dataset.transition = `${n}${render ? ' master' : ' mix'}`;
  audio.play().catch(() => {});
}

function followAlbum(job) {
  const box = $('#album-job');
  watchJob(job, {
    box, cancel: $('#album-job-cancel'), step: $('#album-job-step'),
    cancellingText: 'cancelling… (the tracks stop at their next step)',
    onCancel: () => { state.albumCancelling = true; },
    onProgress: (j) => {
      if (!state.albumCancelling) $('#album-job-step').textContent = `mastering the album: ${j.step}`;
      $('#album-job-progress').value = j.fraction;
    },
    onEnd: async (j) => {
      box.hidden = true; state.albumCancelling = false;
      if (j.status === 'failed') say(j.message || 'the album failed');
      if (j.status === 'cancelled') say('album cancelled: nothing was kept', true);
      if (!$('#album').hidden) await openAlbum();
    },
  });
}

$('#album-button').addEventListener('click', () => openAlbum().catch((e) => say(e.message)));
$('#album-target').replaceChildren(...Object.entries(targets).map(([k, [l, c]]) => el('option', { value: k }, `${k} (${fmt(l, 0)} LUFS, ${fmt(c, 1)} dBTP)`)));
$('#album-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    const body = { target: $('#album-target').value, lufs: num('#album-lufs'), ceiling: num('#album-ceiling'),
      keepOffset: num('#album-keep'), albumEQ: num('#album-eq') };
    $('#album-render').disabled = true;
    const r = await post('/api/album/renders', body);
    say('');
    followAlbum(r.job);
  } catch (err) { say(err.message); $('#album-render').disabled = false; }
});

// Start: the album or the song named in the address, or the newest song.
const wanted = (location.hash.match(/song=([0-9A-Fa-f-]+)/) || [])[1];
if (location.hash === '#album') loadSongs().then(openAlbum).catch((e) => say(e.message));
else loadSongs(wanted).catch((e) => say(e.message));
window.studio = { player, state, openSong, openAlbum };
