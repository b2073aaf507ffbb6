// The fleet dashboard: connects to the broker over MQTT over (secure) WebSocket with back-office
// credentials, subscribes to the retained tree and renders it. Every value from the broker goes
// into the page as text (textContent), never as markup.
import mqtt from 'mqtt';
import { Fleet, DEFAULT_RULES, alarms, cameras, spoolPercent, lastSeen, str } from './fleet-model.js';

const SUBSCRIPTIONS = ['status', 'birth', 'health', 'bays/+/state', 'events/device-ignored', 'events/evidence-state']
  .map((t) => `bwcdock/v1/docks/+/${t}`);
const PHASES = {
  empty: ['—', 'empty'], mounting: ['⏏', 'mounting'], listing: ['☰', 'listing'], ingesting: ['⟳', 'ingesting'],
  uploading: ['⇪', 'uploading'], safe: ['✔', 'safe'], error: ['✖', 'error'], locked: ['⛔', 'locked'],
};
const ALARM_ICONS = {
  'dock-offline': '✖', 'spool-full': '⚠', unhealthy: '⚠', 'bay-error': '✖', 'not-docked': '◷', 'not-receipted': '◷',
  'refused-usb': '⊘', quarantined: '☣',
};

const fleet = new Fleet();
let rules = { ...DEFAULT_RULES };
let connection = { state: 'connecting', text: 'connecting…' };
let renderQueued = false;

main().catch((e) => setConnection('failed', `cannot start: ${e.message}`));

async function main() {
  const config = await loadConfig();
  rules = { ...DEFAULT_RULES, ...pick(config.rules || {}, Object.keys(DEFAULT_RULES)) };
  const fragment = new URLSearchParams(location.hash.slice(1));
  const broker = fragment.get('broker') || config.broker;
  const username = fragment.get('username') || config.username;
  const password = fragment.get('password');
  if (fragment.has('password')) {
    history.replaceState(null, '', location.pathname + location.search); // not left in the address bar
  }
  const creds = broker && username && password ? { broker, username, password } : await askCredentials(broker, username);
  connect(creds.broker, creds.username, creds.password);
  setInterval(render, 1000); // "last seen … ago" and time-based alarms move on without messages
}

async function loadConfig() {
  try {
    const r = await fetch('config.json', { cache: 'no-store' });
    return r.ok ? await r.json() : {};
  } catch {
    return {};
  }
}

function pick(o, keys) {
  return Object.fromEntries(keys.filter((k) => Number.isFinite(Number(o[k]))).map((k) => [k, Number(o[k])]));
}

function askCredentials(broker, username) {
  const form = document.getElementById('login');
  form.hidden = false;
  form.elements.broker.value = broker || '';
  form.elements.username.value = username || '';
  return new Promise((resolve) => {
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      form.hidden = true;
      resolve({ broker: form.elements.broker.value.trim(), username: form.elements.username.value.trim(),
        password: form.elements.password.value });
    }, { once: true });
  });
}

function connect(broker, username, password) {
  document.getElementById('broker').textContent = broker;
  const client = mqtt.connect(broker, {
    protocolVersion: 5,
    username,
    password,
    clientId: `bwcdock-fleet-${crypto.getRandomValues(new Uint32Array(2)).join('')}`,
    clean: true,
    reconnectPeriod: 2000,
    connectTimeout: 10_000,
  });
  client.on('connect', () => {
    setConnection('connected', 'connected');
    client.subscribe(SUBSCRIPTIONS, { qos: 1 }, (err, granted) => {
      const refused = (granted || []).filter((g) => g.qos >= 128).map((g) => g.topic);
      if (err || refused.length) {
        setConnection('failed', `subscription refused: ${err ? err.message : refused.join(', ')} (check the back-office ACL)`);
      }
    });
  });
  client.on('reconnect', () => setConnection('connecting', 'reconnecting…'));
  client.on('close', () => {
    if (connection.state === 'connected') {
      setConnection('connecting', 'connection lost; reconnecting…');
    }
  });
  client.on('error', (e) => setConnection('failed', `broker: ${e.message}`));
  client.on('message', (topic, payload, packet) => {
    if (fleet.accept(topic, new TextDecoder().decode(payload), Date.now(), !packet.retain)) {
      queueRender();
    }
  });
}

function setConnection(state, text) {
  connection = { state, text };
  queueRender();
}

function queueRender() {
  if (!renderQueued) {
    renderQueued = true;
    requestAnimationFrame(() => {
      renderQueued = false;
      render();
    });
  }
}

// ---- rendering ----------------------------------------------------------------------------------

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') {
      e.className = v;
    } else if (k.startsWith('data-') || k === 'title' || k === 'role' || k.startsWith('aria-')) {
      e.setAttribute(k, v);
    } else {
      e[k] = v;
    }
  }
  for (const c of children) {
    e.append(c instanceof Node ? c : document.createTextNode(str(c)));
  }
  return e;
}

function render() {
  const now = Date.now();
  const conn = document.getElementById('connection');
  conn.className = `pill ${connection.state}`;
  conn.dataset.state = connection.state;
  conn.textContent = `${{ connected: '●', connecting: '◌', failed: '✖' }[connection.state]} ${connection.text}`;

  const list = alarms(fleet, rules, now);
  const docks = fleet.sortedDocks();
  const online = docks.filter((d) => d.status?.state === 'online').length;
  const bays = docks.reduce((n, d) => n + d.bays.size, 0);
  const safe = docks.reduce((n, d) => n + [...d.bays.values()].filter((b) => b.phase === 'safe').length, 0);
  document.getElementById('summary').replaceChildren(
    stat('docks online', `${online} / ${docks.length}`), stat('bays', bays), stat('bays safe', safe), stat('alarms', list.length));

  const alarmList = document.getElementById('alarms');
  alarmList.replaceChildren(...(list.length
    ? list.map((a) => el('li', { class: `alarm ${a.kind}`, 'data-alarm': a.kind, 'data-dock': a.dockId, role: 'alert' },
      el('span', { class: 'icon', 'aria-hidden': 'true' }, ALARM_ICONS[a.kind] || '⚠'), el('span', { class: 'kind' }, a.kind.replace('-', ' ')),
      el('span', { class: 'text' }, a.text)))
    : [el('li', { class: 'none' }, el('span', { class: 'icon', 'aria-hidden': 'true' }, '✔'), ' no alarms')]));
  document.getElementById('alarm-count').textContent = list.length ? `(${list.length})` : '';
  if (fleet.malformed) {
    alarmList.append(el('li', { class: 'alarm malformed', 'data-alarm': 'malformed' },
      el('span', { class: 'icon' }, '?'), el('span', { class: 'text' }, `${fleet.malformed} message(s) were not JSON objects and were ignored`)));
  }

  const cams = cameras(fleet);
  const camAlarms = new Map();
  list.forEach((a) => camAlarms.set(a.subject, [...(camAlarms.get(a.subject) || []), a.kind]));
  document.getElementById('camera-count').textContent = `(${cams.length})`;
  document.getElementById('cameras').replaceChildren(...cams.map((c) => cameraRow(c, camAlarms.get(c.cameraId) || [], now)));

  const main = document.getElementById('docks');
  main.replaceChildren(...(docks.length ? docks.map((d) => dockCard(d, now)) : [el('p', { class: 'empty-fleet' },
    connection.state === 'connected' ? 'No dock has published to this broker yet.' : 'Waiting for the broker…')]));
}

function stat(label, value) {
  return el('div', { class: 'stat' }, el('span', { class: 'value' }, value), el('span', { class: 'label' }, label));
}

function dockCard(d, now) {
  const state = d.status?.state || 'unknown';
  const h = d.health || {};
  const seen = lastSeen(d);
  const pct = spoolPercent(h);
  const meta = el('dl', { class: 'meta' },
    ...field('last seen', seen ? ago(now - seen) : 'never'),
    ...field('version', d.birth?.agentVersion ?? 'not reported'),
    ...field('outbox', h.outboxDepth ?? 'not reported', 'events waiting to be published'),
    ...field('spool', pct === null ? 'not reported' : `${pct} % of ${bytes(h.spoolQuotaBytes)}`),
    ...field('disk', h.diskFreeBytes == null ? 'not reported' : `${bytes(h.diskFreeBytes)} free of ${bytes(h.diskTotalBytes)}`),
    ...field('clock', h.clockSync ?? 'not reported'),
    ...field('uploads', h.uploadsPaused ? '❚❚ paused' : (h.uploadsPaused === false ? 'running' : 'not reported')));
  const rows = [...d.bays.entries()].sort((a, b) => a[0] - b[0]).map(([n, b]) => bayRow(d.id, n, b));
  const table = el('table', { class: 'bays' },
    el('thead', {}, el('tr', {}, ...['Bay', 'Camera', 'Officer', 'Battery', 'Phase', 'Ingest', 'Upload', 'Last event'].map((t) => el('th', {}, t)))),
    el('tbody', {}, ...rows));
  return el('section', { class: `dock ${state}`, 'data-dock': d.id, 'data-state': state },
    el('header', {}, el('h2', {}, d.id),
      el('span', { class: `pill ${state}`, 'data-role': 'dock-state' }, `${{ online: '●', offline: '✖' }[state] || '?'} ${state}`)),
    meta, table);
}

function field(label, value, title) {
  return [el('dt', {}, label), el('dd', title ? { title } : {}, value)];
}

function bayRow(dockId, n, b) {
  const phase = PHASES[b.phase] ? b.phase : 'unknown';
  const [icon, word] = PHASES[phase] || ['?', str(b.phase) || 'unknown'];
  const battery = b.batteryPercent == null ? '—' : `${b.batteryPercent} %${b.charging ? ' ⚡ charging' : ''}`;
  return el('tr', { 'data-dock': dockId, 'data-bay': String(n), 'data-phase': phase },
    el('td', { class: 'num' }, n),
    el('td', {}, b.cameraId ?? '—'),
    el('td', {}, b.officerId ?? '—'),
    el('td', { class: 'battery' }, battery),
    el('td', {}, el('span', { class: `phase ${phase}`, 'data-role': 'phase' }, el('span', { 'aria-hidden': 'true' }, icon), ` ${word}`)),
    el('td', {}, bar(b.ingestPercent, 'ingest')),
    el('td', {}, bar(b.uploadPercent, 'upload')),
    el('td', { class: 'last' }, b.lastEvent ?? ''));
}

function cameraRow(c, kinds, now) {
  const at = (iso) => (iso && Number.isFinite(Date.parse(iso)) ? `${ago(now - Date.parse(iso))} (${iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z')})` : '—');
  return el('tr', { 'data-camera': c.cameraId, 'data-alarms': kinds.join(' ') },
    el('td', {}, c.cameraId),
    el('td', {}, c.dockId),
    el('td', {}, c.bay == null ? 'out' : `bay ${c.bay}`),
    el('td', {}, c.officerId ?? '—'),
    el('td', {}, at(c.lastDockedAt)),
    el('td', { class: 'num' }, c.filesWaiting == null ? '?' : c.filesWaiting),
    el('td', {}, at(c.oldestUnreceiptedAt)),
    el('td', { class: kinds.length ? 'cam-alarm' : 'idle' }, kinds.length ? `⚠ ${kinds.join(', ')}` : '—'));
}

function bar(pct, what) {
  if (pct == null) {
    return el('span', { class: 'idle' }, '—');
  }
  return el('span', { class: 'bar' }, el('progress', { max: 100, value: pct, 'aria-label': `${what} ${pct} %` }), el('span', {}, ` ${pct} %`));
}

function ago(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s} s ago` : s < 3600 ? `${Math.floor(s / 60)} min ago` : `${Math.floor(s / 3600)} h ago`;
}

function bytes(n) {
  const v = Number(n);
  if (!Number.isFinite(v)) {
    return '?';
  }
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let x = v;
  while (x >= 1000 && i < units.length - 1) {
    x /= 1000;
    i++;
  }
  return `${x >= 10 || i === 0 ? Math.round(x) : x.toFixed(1)} ${units[i]}`;
}
