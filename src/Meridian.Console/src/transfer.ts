import type { ConfigRef, TransferReport } from './api';

/** One line saying what an import or clone did: "2 created, 1 skipped, 0 overwritten, 1 failed". */
export function transferSummary(r: TransferReport): string {
  return `${r.created.length} created, ${r.skipped.length} skipped, ${r.overwritten.length} overwritten, ${r.failed.length} failed`;
}

/** The report's configs, each with what happened to it, in a stable order (group, then data id). */
export function transferRows(r: TransferReport): Array<ConfigRef & { outcome: string; reason: string }> {
  const rows = [
    ...r.created.map(c => ({ ...c, outcome: 'created', reason: '' })),
    ...r.skipped.map(c => ({ ...c, outcome: 'skipped', reason: 'exists already' })),
    ...r.overwritten.map(c => ({ ...c, outcome: 'overwritten', reason: '' })),
    ...r.failed.map(c => ({ namespace: c.namespace, group: c.group, dataId: c.dataId, outcome: 'failed', reason: c.reason })),
  ];
  return rows.sort((a, b) => a.group.localeCompare(b.group) || a.dataId.localeCompare(b.dataId));
}

/** The selection key of a config in a list; the inverse of {@link fromSelectionKey}. */
export const selectionKey = (c: { group: string; dataId: string }) => `${c.group}\u0000${c.dataId}`;

export function fromSelectionKey(key: string): { group: string; dataId: string } {
  const at = key.indexOf('\u0000');
  return { group: key.slice(0, at), dataId: key.slice(at + 1) };
}

/** A subscriber's protocol as an operator reads it. */
export function protocolLabel(protocol: string): string {
  switch (protocol) {
    case 'grpc': return 'Meridian client (gRPC)';
    case 'nacos-grpc': return 'Nacos 2.x (gRPC)';
    case 'nacos-udp': return 'Nacos 1.x (UDP push)';
    default: return protocol;
  }
}
