// The fleet as the retained MQTT tree describes it (docs/mqtt-api.yaml), and the alarms derived from
// it. No DOM here: app.js renders, this file only knows topics, payloads and rules. Payloads are
// read field by field, so fields a newer agent adds are ignored, and a missing field shows as
// "not reported" instead of breaking the page. The same rules, in Java, make `bwcdock fleet report`
// (org.bwcdock.fleet.Alarms).

const TOPIC = /^bwcdock\/v1\/docks\/([^/]+)\/(status|birth|health|bays\/(\d{1,2})\/state|events\/([a-z-]+))$/;
const LIVE_EVENTS_KEPT = 50;

export const DEFAULT_RULES = Object.freeze({
  spoolAlarmPercent: 80,
  undockedAlarmHours: 24,
  unreceiptedAlarmMinutes: 120,
});

export class Fleet {
  constructor() {
    this.docks = new Map();
    this.malformed = 0;
    this.liveEvents = []; // refused USB devices and quarantines seen while the page is open
    this.changed = 0;
  }

  dock(id) {
    let d = this.docks.get(id);
    if (!d) {
      d = { id, status: null, statusSeenAt: null, birth: null, health: null, bays: new Map() };
      this.docks.set(id, d);
    }
    return d;
  }

  /**
   * One MQTT message; an empty payload clears a retained topic. Returns true when it changed the
   * fleet. {@code live}: published while the page was connected (not the retained copy).
   */
  accept(topic, payloadText, receivedAt = Date.now(), live = false) {
    const m = TOPIC.exec(topic);
    if (!m) {
      return false;
    }
    const [, dockId, kind, bay, eventType] = m;
    let payload = null;
    if (payloadText.length > 0) {
      try {
        payload = JSON.parse(payloadText);
      } catch {
        this.malformed++;
        return true;
      }
      if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
        this.malformed++;
        return true;
      }
    }
    const d = this.dock(dockId);
    if (kind === 'status' || kind === 'birth' || kind === 'health') {
      d[kind] = payload;
      if (kind === 'status') {
        // A will's "at" is when its session began (it is written at connect): only a live status says when.
        d.statusSeenAt = live ? receivedAt : null;
      }
    } else if (bay !== undefined) {
      if (payload === null) {
        d.bays.delete(Number(bay));
      } else {
        d.bays.set(Number(bay), payload);
      }
    } else if (eventType !== undefined && payload !== null) {
      this.event(dockId, eventType, payload, receivedAt);
    }
    this.changed++;
    return true;
  }

  event(dockId, type, e, receivedAt) {
    if (type === 'device-ignored') {
      this.liveEvents.push({ dockId, kind: 'refused-usb', at: receivedAt,
        text: `refused USB device ${str(e.model)} serial ${str(e.usbSerial)} at port ${str(e.port)}: ${str(e.reason)}` });
    } else if (type === 'evidence-state' && e.to === 'QUARANTINED') {
      this.liveEvents.push({ dockId, kind: 'quarantined', at: receivedAt,
        text: `camera ${str(e.cameraId)} quarantined: ${str(e.path)}${e.reason ? ' (' + str(e.reason) + ')' : ''}` });
    }
    if (this.liveEvents.length > LIVE_EVENTS_KEPT) {
      this.liveEvents.splice(0, this.liveEvents.length - LIVE_EVENTS_KEPT);
    }
  }

  sortedDocks() {
    return [...this.docks.values()].sort((a, b) => a.id.localeCompare(b.id));
  }
}

/** Every alarm, most severe first: {kind, dockId, subject, text}. */
export function alarms(fleet, rules, now = Date.now()) {
  const out = [];
  for (const d of fleet.sortedDocks()) {
    const add = (kind, subject, text) => out.push({ kind, dockId: d.id, subject, text });
    if (d.status && d.status.state === 'offline') {
      add('dock-offline', d.id, d.statusSeenAt !== null ? `dock ${d.id} offline since ${when(new Date(d.statusSeenAt).toISOString())}`
        : `dock ${d.id} offline (last status ${when(d.status.at)})`);
    }
    const h = d.health;
    if (h) {
      const pct = spoolPercent(h);
      if (pct !== null && pct > rules.spoolAlarmPercent) {
        add('spool-full', d.id, `dock ${d.id} spool ${pct} % full (alarm above ${rules.spoolAlarmPercent} %)`);
      }
      if (h.healthy === false) {
        add('unhealthy', d.id, `dock ${d.id} reports itself unhealthy`);
      }
    }
    for (const [n, b] of d.bays) {
      if (b.phase === 'error') {
        add('bay-error', `${d.id} bay ${n}`, `dock ${d.id} bay ${n}: ${str(b.lastEvent) || 'error'}`);
      }
    }
  }
  for (const c of cameras(fleet)) {
    cameraAlarms(c, rules, now, (kind, subject, text) => out.push({ kind, dockId: c.dockId, subject, text }));
  }
  for (const e of fleet.liveEvents) {
    out.push({ kind: e.kind, dockId: e.dockId, subject: e.dockId, text: `dock ${e.dockId}: ${e.text} (${when(new Date(e.at).toISOString())})` });
  }
  return out;
}

/**
 * Every camera, sorted by id: those the docks' health lists, and those sitting in a bay the health
 * does not list yet. A camera two docks list counts once: where it sits now, else where it docked last.
 */
export function cameras(fleet) {
  const byId = new Map();
  const merge = (c) => {
    const a = byId.get(c.cameraId);
    const later = (x, y) => (Date.parse(x.lastDockedAt) || -Infinity) > (Date.parse(y.lastDockedAt) || -Infinity);
    if (!a || ((a.bay == null) !== (c.bay == null) ? c.bay != null : !later(a, c))) {
      byId.set(c.cameraId, c);
    }
  };
  for (const d of fleet.sortedDocks()) {
    const inBay = new Map();
    for (const [n, b] of d.bays) {
      if (typeof b.cameraId === 'string' && b.cameraId) {
        inBay.set(b.cameraId, { bay: n, officerId: b.officerId ?? null, phase: b.phase, at: Date.parse(b.at) });
      }
    }
    const listed = Array.isArray(d.health?.cameras) ? d.health.cameras : [];
    for (const c of listed) {
      if (typeof c?.cameraId !== 'string' || !c.cameraId) {
        continue;
      }
      const here = inBay.get(c.cameraId);
      inBay.delete(c.cameraId);
      // Health comes every 30 s, bay states at once: a bay that turned safe since says nothing waits.
      const doneSince = here?.phase === 'safe' && here.at > (Date.parse(d.health.at) || Infinity);
      merge({ cameraId: c.cameraId, dockId: d.id, bay: Number.isInteger(c.bay) ? c.bay : (here?.bay ?? null),
        officerId: here?.officerId ?? null, lastDockedAt: c.lastDockedAt ?? null,
        filesWaiting: doneSince ? 0 : (Number.isInteger(c.filesWaiting) ? c.filesWaiting : null),
        oldestUnreceiptedAt: doneSince ? null : (c.oldestUnreceiptedAt ?? null),
        quarantined: Number.isInteger(c.quarantined) ? c.quarantined : 0 });
    }
    for (const [id, here] of inBay) {
      merge({ cameraId: id, dockId: d.id, bay: here.bay, officerId: here.officerId, lastDockedAt: null,
        filesWaiting: here.phase === 'safe' ? 0 : null, oldestUnreceiptedAt: null, quarantined: 0 });
    }
  }
  return [...byId.values()].sort((a, b) => (a.cameraId < b.cameraId ? -1 : a.cameraId > b.cameraId ? 1 : 0));
}

function cameraAlarms(c, rules, now, add) {
  const id = str(c.cameraId);
  if (c.bay == null && c.lastDockedAt) {
    const hours = (now - Date.parse(c.lastDockedAt)) / 3_600_000;
    if (hours > rules.undockedAlarmHours) {
      add('not-docked', id, `camera ${id} not docked for ${Math.floor(hours)} h (last at dock ${c.dockId} ${when(c.lastDockedAt)})`);
    }
  }
  if (c.oldestUnreceiptedAt) {
    const minutes = (now - Date.parse(c.oldestUnreceiptedAt)) / 60_000;
    if (minutes > rules.unreceiptedAlarmMinutes) {
      add('not-receipted', id, `camera ${id}: ${num(c.filesWaiting)} file(s) without receipt, oldest for ${Math.floor(minutes)} min`);
    }
  }
  if (Number(c.quarantined) > 0) {
    add('quarantined', id, `camera ${id}: ${num(c.quarantined)} file(s) quarantined at dock ${c.dockId}`);
  }
}

export function spoolPercent(h) {
  const used = Number(h.spoolUsedBytes);
  const quota = Number(h.spoolQuotaBytes);
  return Number.isFinite(used) && Number.isFinite(quota) && quota > 0 ? Math.round((used * 100) / quota) : null;
}

/** The newest time the dock said anything retained. */
export function lastSeen(d) {
  const times = [d.status?.at, d.health?.at, d.birth?.at, ...[...d.bays.values()].map((b) => b.at)]
    .map((t) => Date.parse(t)).filter(Number.isFinite);
  return times.length ? Math.max(...times) : null;
}

export function str(v) {
  return v === null || v === undefined ? '' : String(v);
}

function num(v) {
  return Number.isFinite(Number(v)) ? Number(v) : '?';
}

function when(iso) {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? new Date(t).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : 'an unknown time';
}
