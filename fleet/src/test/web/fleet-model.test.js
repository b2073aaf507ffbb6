// The dashboard's model on the same recorded retained tree as the report's ReportTest: the page and
// `bwcdock fleet report` must raise the same alarms about the same docks and cameras.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Fleet, DEFAULT_RULES, alarms, cameras } from '../../main/web/fleet-model.js';

const AT = Date.parse('2026-12-01T08:00:00Z');

function recorded() {
  const tree = JSON.parse(readFileSync(new URL('../resources/retained-tree.json', import.meta.url), 'utf8'));
  const fleet = new Fleet();
  for (const [topic, payload] of Object.entries(tree)) {
    fleet.accept(topic, typeof payload === 'string' ? payload : JSON.stringify(payload));
  }
  return fleet;
}

test('the same alarms as the report, in the same order', () => {
  const list = alarms(recorded(), DEFAULT_RULES, AT);
  assert.deepEqual(list.map((a) => `${a.kind} ${a.subject}`), [
    'spool-full dock-a', 'dock-offline dock-b', 'bay-error dock-c bay 3',
    'not-docked BWC-2', 'not-receipted BWC-3', 'quarantined BWC-4']);
  assert.equal(list[3].text, 'camera BWC-2 not docked for 73 h (last at dock dock-a 2026-11-28 07:00:00Z)');
  assert.equal(list[1].text, 'dock dock-b offline (last status 2026-11-30 22:15:00Z)');
});

test('cameras: one row each, where they sit or docked last', () => {
  const rows = cameras(recorded()).map((c) => [c.cameraId, c.dockId, c.bay, c.officerId, c.lastDockedAt, c.filesWaiting]);
  assert.deepEqual(rows, [
    ['BWC-1', 'dock-a', 1, 'Smith, J.', '2026-12-01T06:10:00Z', 0],
    ['BWC-2', 'dock-a', null, null, '2026-11-28T07:00:00Z', 0],
    ['BWC-3', 'dock-a', 2, "=cmd|' /C calc'!A0", '2026-12-01T04:55:00Z', 3],
    ['BWC-4', 'dock-a', null, null, '2026-12-01T07:30:00Z', 0],
    ['BWC-5', 'dock-b', 1, 'officer-5', null, null],
    ['BWC-6', 'dock-c', 3, 'officer-6', '2026-12-01T07:40:00Z', 2]]);
});

test('a bay safe after the last health: nothing waits for that camera', () => {
  const fleet = recorded();
  fleet.accept('bwcdock/v1/docks/dock-a/bays/2/state', JSON.stringify({ bay: 2, cameraId: 'BWC-3', officerId: 'o', batteryPercent: 50,
    charging: true, phase: 'safe', ingestPercent: 100, uploadPercent: 100, lastEvent: 'wiped: safe to take', at: '2026-12-01T07:59:45Z' }));
  const c = cameras(fleet).find((x) => x.cameraId === 'BWC-3');
  assert.deepEqual([c.filesWaiting, c.oldestUnreceiptedAt], [0, null]);
  assert.ok(!alarms(fleet, DEFAULT_RULES, AT).some((a) => a.kind === 'not-receipted'));
});

test('stricter rules, as the report applies them', () => {
  const rules = { ...DEFAULT_RULES, spoolAlarmPercent: 90, undockedAlarmHours: 20 / 60, unreceiptedAlarmMinutes: 10 };
  assert.deepEqual(alarms(recorded(), rules, AT).map((a) => `${a.kind} ${a.subject}`), [
    'dock-offline dock-b', 'bay-error dock-c bay 3', 'not-docked BWC-2', 'not-receipted BWC-3', 'not-docked BWC-4',
    'quarantined BWC-4', 'not-receipted BWC-6']);
});

test('live events: refused USB devices and quarantines; malformed payloads are counted, not thrown', () => {
  const fleet = recorded();
  assert.equal(fleet.malformed, 1);
  fleet.accept('bwcdock/v1/docks/dock-a/events/device-ignored', JSON.stringify({ port: '1-1.7', model: '0781:5581',
    usbSerial: 'ABC', reason: 'not a camera model', eventId: 'e1', sequence: 9, type: 'device-ignored', dockId: 'dock-a' }), AT);
  fleet.accept('bwcdock/v1/docks/dock-c/events/evidence-state', JSON.stringify({ fileId: 3, cameraId: 'BWC-6', path: 'DCIM/100/X.MP4',
    from: 'INGESTING', to: 'QUARANTINED', reason: 'symlink', eventId: 'e2', sequence: 4, type: 'evidence-state', dockId: 'dock-c' }), AT);
  fleet.accept('bwcdock/v1/docks/dock-c/events/evidence-state', JSON.stringify({ cameraId: 'BWC-6', to: 'RECEIPTED' }), AT);
  fleet.accept('bwcdock/v1/docks/dock-c/events/docked', '[1,2]', AT);
  const live = alarms(fleet, DEFAULT_RULES, AT).slice(6);
  assert.deepEqual(live.map((a) => a.kind), ['refused-usb', 'quarantined']);
  assert.match(live[0].text, /^dock dock-a: refused USB device 0781:5581 serial ABC at port 1-1\.7: not a camera model/);
  assert.match(live[1].text, /camera BWC-6 quarantined: DCIM\/100\/X\.MP4 \(symlink\)/);
  assert.equal(fleet.malformed, 2);
});

test('an offline status seen live says since when', () => {
  const fleet = recorded();
  fleet.accept('bwcdock/v1/docks/dock-a/status', JSON.stringify({ state: 'offline', sessionId: 's', dockId: 'dock-a',
    at: '2026-12-01T05:58:00Z' }), Date.parse('2026-12-01T07:59:00Z'), true);
  assert.equal(alarms(fleet, DEFAULT_RULES, AT).find((a) => a.dockId === 'dock-a' && a.kind === 'dock-offline').text,
    'dock dock-a offline since 2026-12-01 07:59:00Z');
});

test('an empty retained payload clears a bay; other topics are ignored', () => {
  const fleet = recorded();
  assert.equal(fleet.accept('bwcdock/v1/docks/dock-b/bays/2/state', ''), true);
  assert.deepEqual([...fleet.docks.get('dock-b').bays.keys()], [1]);
  assert.equal(fleet.accept('bwcdock/v1/docks/dock-b/cmdresp/x', '{}'), false);
  assert.equal(fleet.accept('other/topic', '{}'), false);
});
