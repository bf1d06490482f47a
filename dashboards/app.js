// The lab dashboard: instruments, runs, a live plot of the selected run and
// its GITT fit table. The plot configures itself from the run's stream
// descriptors (which key, its unit and description). Plain ES module, no
// build step; every request carries the token the user typed (kept in
// sessionStorage only).
const $ = (s) => document.querySelector(s);
// A token in the fragment (`/dashboard/index.html#token=...`, never sent to the server) suits a lab's wall display.
const fragmentToken = new URLSearchParams(location.hash.slice(1)).get('token');
let token = fragmentToken ?? sessionStorage.getItem('operando-token') ?? '';
let socket = null;
let liveRun = null;
let runStartNs = null;
/** What is plotted: the stream, its key and that key's descriptor entry (unit, description). */
let plot = null;
/** [time since run start (s), value] pairs, at most MAX_POINTS: older points are thinned out as new ones come. */
let points = [];
const MAX_POINTS = 4000;

function addPoint(x, y) {
  points.push([x, y]);
  // Keep every other point once full: memory stays bounded on a run of days, the shape stays visible.
  if (points.length > MAX_POINTS) points = points.filter((_, i) => i % 2 === 0);
}

async function api(path, options = {}) {
  const res = await fetch(path, { ...options, headers: { authorization: `Bearer ${token}`, ...(options.body && { 'content-type': 'application/json' }) } });
  const body = await res.json();
  if (!res.ok) throw new Error(body.error?.message ?? res.statusText);
  return body;
}

function cell(text) {
  const td = document.createElement('td');
  td.textContent = text;
  return td;
}

/** Table rows as one fragment: spreading a list of nodes into replaceChildren() puts every node on the call stack. */
function rows(items, row) {
  const fragment = document.createDocumentFragment();
  for (const item of items) fragment.append(row(item));
  return fragment;
}

const fmt = (v, digits = 4) => (v === null || v === undefined ? '—' : Number(v).toPrecision(digits));

async function refresh() {
  const { instruments } = await api('/api/instruments');
  $('#instruments tbody').replaceChildren(
    rows(instruments, (i) => {
      const tr = document.createElement('tr');
      tr.append(cell(i.id), cell(i.kind), cell(i.driver), cell(i.connection), cell(i.runId ?? ''));
      return tr;
    }),
  );
  const { runs } = await api('/api/runs');
  $('#runs tbody').replaceChildren(
    rows(runs.slice(0, 20), (r) => {
      const tr = document.createElement('tr');
      const p = r.live?.progress;
      const state = r.live?.state ?? r.exitStatus ?? 'unknown';
      tr.append(cell(r.runId.slice(0, 8)), cell(r.protocol), cell(state), cell(p ? p.message : r.reason ?? ''), cell(String(r.events ?? '')));
      const td = document.createElement('td');
      const watch = document.createElement('button');
      watch.textContent = 'watch';
      watch.onclick = () => watchRun(r.runId, BigInt(r.startNs));
      td.append(watch);
      tr.append(td);
      return tr;
    }),
  );
}

/** The stream a run's plot shows: the first with a time plot among its descriptors' hints (a potentiostat's DC stream first). */
function plotOf(streams) {
  const timed = streams.filter((s) => s.descriptor.hints?.plot?.x === 'time');
  const chosen = timed.find((s) => s.stream.endsWith('.dc')) ?? timed[0];
  if (!chosen) return null;
  const key = chosen.descriptor.hints.plot.y[0];
  return { stream: chosen.stream, key, dataKey: chosen.descriptor.dataKeys[key] };
}

async function watchRun(runId, startNs) {
  liveRun = runId;
  runStartNs = startNs;
  $('#live-run').textContent = runId;
  const { streams } = await api(`/api/runs/${runId}`);
  plot = plotOf(streams);
  points = [];
  if (plot) {
    const { streams: [data] } = await api(`/api/runs/${runId}/data?stream=${encodeURIComponent(plot.stream)}&keys=${plot.key}&maxPoints=2000`);
    const values = data.downsampled ? data.data[plot.key].mean : data.data[plot.key];
    data.timestampsNs.forEach((t, i) => addPoint(Number(BigInt(t) - startNs) / 1e9, values[i]));
  }
  draw();
  const { fits } = await api(`/api/runs/${runId}/fits?method=gitt`);
  $('#fits tbody').replaceChildren();
  fits.forEach((f) => addFit(f.result));
  socket?.close();
  const filter = plot ? `&stream=${encodeURIComponent(plot.stream)}&keys=${plot.key}` : '';
  socket = new WebSocket(`${location.origin.replace('http', 'ws')}/api/live?runId=${runId}${filter}&access_token=${encodeURIComponent(token)}`);
  socket.onmessage = (ev) => {
    const msg = JSON.parse(ev.data);
    if (msg.type !== 'documents') return;
    for (const d of msg.documents) {
      if (d.kind === 'descriptor' && !plot) plot = plotOf([{ stream: d.stream, descriptor: d }]);
      if (d.kind === 'event-page' && plot && d.stream === plot.stream) {
        d.timestampsNs.forEach((t, i) => addPoint(Number(BigInt(t) - runStartNs) / 1e9, d.data[plot.key][i]));
      }
      if (d.kind === 'progress') $('#live-progress').textContent = `${d.message}${d.etaS !== null ? ` · ETA ${Math.round(d.etaS / 60)} min (lab time)` : ''}`;
      if (d.kind === 'fit' && d.method === 'gitt') addFit(d.result);
      if (d.kind === 'run-stop') $('#live-progress').textContent = `stopped: ${d.exitStatus} (${d.reason})`;
    }
    draw();
  };
}

function addFit(r) {
  const tr = document.createElement('tr');
  tr.append(
    cell(r.index), cell(fmt(r.currentA, 3)), cell(fmt(r.e0V)), cell(fmt(r.esV)), cell(fmt(r.dEsV, 3)), cell(fmt(r.dEtV, 3)),
    cell(fmt(r.resistanceOhm, 3)), cell(fmt(r.diffusionCm2PerS, 3)), cell(fmt(r.diffusionSqrtTCm2PerS, 3)), cell(fmt(r.x, 3)),
  );
  $('#fits tbody').append(tr);
}

function draw() {
  const canvas = $('#plot');
  const ctx = canvas.getContext('2d');
  const w = canvas.width;
  const h = canvas.height;
  const pad = 50;
  ctx.clearRect(0, 0, w, h);
  const shown = points.filter(([, y]) => y !== null && Number.isFinite(y));
  if (!plot || shown.length < 2) return;
  // A loop: spreading a long array into Math.min throws.
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const [x, y] of shown) {
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  const unit = plot.dataKey?.unit ?? '';
  const digits = plot.dataKey?.precision ?? 4;
  const sx = (x) => pad + ((x - x0) / (x1 - x0 || 1)) * (w - 2 * pad);
  const sy = (y) => h - pad + ((y0 - y) / (y1 - y0 || 1)) * (h - 2 * pad);
  ctx.strokeStyle = '#7a8294';
  ctx.strokeRect(pad, pad, w - 2 * pad, h - 2 * pad);
  ctx.fillStyle = '#1d2433';
  ctx.fillText(`${y1.toFixed(Math.min(digits, 6))} ${unit}`, 2, pad + 4);
  ctx.fillText(`${y0.toFixed(Math.min(digits, 6))} ${unit}`, 2, h - pad);
  ctx.fillText(`${x0.toFixed(0)} s`, pad, h - pad + 16);
  ctx.fillText(`${x1.toFixed(0)} s`, w - pad - 40, h - pad + 16);
  ctx.fillText(`${plot.stream} ${plot.key}: ${plot.dataKey?.description ?? ''} (${unit}) vs time since run start (s, lab time)`, pad, pad - 8);
  ctx.strokeStyle = '#2f6fdf';
  ctx.beginPath();
  shown.forEach(([x, y], i) => (i ? ctx.lineTo(sx(x), sy(y)) : ctx.moveTo(sx(x), sy(y))));
  ctx.stroke();
}

$('#login').onsubmit = async (ev) => {
  ev.preventDefault();
  token = $('#token').value.trim();
  sessionStorage.setItem('operando-token', token);
  await start();
};

async function start() {
  try {
    await refresh();
    // `#run=ID` (or `#run=latest`) opens that run's live view at once.
    const wanted = new URLSearchParams(location.hash.slice(1)).get('run');
    if (wanted) {
      const { runs } = await api('/api/runs');
      const run = wanted === 'latest' ? runs[0] : runs.find((r) => r.runId === wanted);
      if (run) await watchRun(run.runId, BigInt(run.startNs));
    }
    $('#who').textContent = 'connected';
    setInterval(() => refresh().catch(() => {}), 5000);
  } catch (e) {
    $('#who').textContent = e.message;
  }
}

if (token) start();
