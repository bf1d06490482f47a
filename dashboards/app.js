// The lab dashboard: instruments, runs, a live voltage plot and the GITT fit
// table of the selected run. Plain ES module, no build step; every request
// carries the token the user typed (kept in sessionStorage only).
const $ = (s) => document.querySelector(s);
// A token in the fragment (`/dashboard/index.html#token=...`, never sent to the server) suits a lab's wall display.
const fragmentToken = new URLSearchParams(location.hash.slice(1)).get('token');
let token = fragmentToken ?? sessionStorage.getItem('operando-token') ?? '';
let socket = null;
let points = [];
let liveRun = null;
let runStartNs = null;

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

const fmt = (v, digits = 4) => (v === null || v === undefined ? '—' : Number(v).toPrecision(digits));

async function refresh() {
  const { instruments } = await api('/api/instruments');
  $('#instruments tbody').replaceChildren(
    ...instruments.map((i) => {
      const tr = document.createElement('tr');
      tr.append(cell(i.id), cell(i.kind), cell(i.driver), cell(i.connection), cell(i.runId ?? ''));
      return tr;
    }),
  );
  const { runs } = await api('/api/runs');
  $('#runs tbody').replaceChildren(
    ...runs.slice(0, 20).map((r) => {
      const tr = document.createElement('tr');
      const p = r.live?.progress;
      const state = r.live?.state ?? r.exitStatus ?? 'unknown';
      tr.append(cell(r.runId.slice(0, 8)), cell(r.protocol), cell(state), cell(p ? p.message : r.reason ?? ''), cell(String(r.readings ?? '')));
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

async function watchRun(runId, startNs) {
  liveRun = runId;
  runStartNs = startNs;
  $('#live-run').textContent = runId;
  const { series } = await api(`/api/runs/${runId}/data?quantity=potential&maxPoints=2000`);
  points = (series[0]?.points ?? []).map((p) => [Number(BigInt(p.timestampNs) - startNs) / 1e9, p.value ?? p.mean]);
  draw();
  const { fits } = await api(`/api/runs/${runId}/fits?method=gitt`);
  $('#fits tbody').replaceChildren();
  fits.forEach((f) => addFit(f.result));
  socket?.close();
  socket = new WebSocket(`${location.origin.replace('http', 'ws')}/api/live?runId=${runId}&quantity=potential&access_token=${encodeURIComponent(token)}`);
  socket.onmessage = (ev) => {
    const msg = JSON.parse(ev.data);
    if (msg.type !== 'documents') return;
    for (const d of msg.documents) {
      if (d.kind === 'reading') points.push([Number(BigInt(d.timestampNs) - runStartNs) / 1e9, d.value]);
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
  if (points.length < 2) return;
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const sx = (x) => pad + ((x - x0) / (x1 - x0 || 1)) * (w - 2 * pad);
  const sy = (y) => h - pad + ((y0 - y) / (y1 - y0 || 1)) * (h - 2 * pad);
  ctx.strokeStyle = '#7a8294';
  ctx.strokeRect(pad, pad, w - 2 * pad, h - 2 * pad);
  ctx.fillStyle = '#1d2433';
  ctx.fillText(`${y1.toFixed(4)} V`, 2, pad + 4);
  ctx.fillText(`${y0.toFixed(4)} V`, 2, h - pad);
  ctx.fillText(`${x0.toFixed(0)} s`, pad, h - pad + 16);
  ctx.fillText(`${x1.toFixed(0)} s`, w - pad - 40, h - pad + 16);
  ctx.fillText('cell voltage (V) vs time since run start (s, lab time)', pad, pad - 8);
  ctx.strokeStyle = '#2f6fdf';
  ctx.beginPath();
  points.forEach(([x, y], i) => (i ? ctx.lineTo(sx(x), sy(y)) : ctx.moveTo(sx(x), sy(y))));
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
