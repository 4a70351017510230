import { useCallback, useEffect, useState } from 'react';
import type { ClientListening, ClusterView } from '../api';
import { ErrorBox, useCtx, when } from '../App';
import { navigate, seg } from '../router';

/** Which configs one client long-polls, and the MD5 it holds of each (Nacos's /v1/cs/listener?ip=). */
export function ListenersByClientPage({ route }: { route: string }) {
  const { api } = useCtx();
  const initial = new URLSearchParams(route.split('?')[1] ?? '').get('client') ?? '';
  const [client, setClient] = useState(initial);
  const [rows, setRows] = useState<ClientListening[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const look = useCallback(async (who: string) => {
    if (!who) return;
    setError(null);
    try { setRows(await api.listenedBy(who)); } catch (e) { setError(e); setRows(null); }
  }, [api]);
  useEffect(() => { void look(initial); }, [look, initial]);
  return (
    <section>
      <h2>Listeners by client</h2>
      <form className="toolbar" onSubmit={e => { e.preventDefault(); navigate(`/listeners?client=${encodeURIComponent(client)}`); void look(client); }}>
        <input aria-label="Client" placeholder="Client IP, ip:port or client id" value={client} onChange={e => setClient(e.target.value)} />
        <button type="submit" disabled={!client}>Show</button>
      </form>
      <ErrorBox error={error} />
      {rows && (
        <table data-testid="client-listening">
          <thead><tr><th>Namespace</th><th>Group</th><th>Data id</th><th>Client</th><th>Address</th><th>Holds MD5</th><th>Since</th></tr></thead>
          <tbody>
            {rows.map(r => (
              <tr key={`${r.address}|${r.namespace}|${r.group}|${r.dataId}`} data-config={`${r.namespace}/${r.group}/${r.dataId}`}>
                <td>{r.namespace}</td><td>{r.group}</td>
                <td><a href={`ns/${seg(r.namespace)}/configs/${seg(r.group)}/${seg(r.dataId)}?tab=listeners`}
                  onClick={e => { e.preventDefault(); navigate(`/ns/${seg(r.namespace)}/configs/${seg(r.group)}/${seg(r.dataId)}?tab=listeners`); }}>{r.dataId}</a></td>
                <td>{r.clientId}</td><td>{r.address}</td><td className="mono">{r.md5 || '(none)'}</td><td>{when(r.since)}</td>
              </tr>
            ))}
            {rows.length === 0 && <tr><td colSpan={7} className="empty">'{client}' listens to no config you may read right now.</td></tr>}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The nodes sharing the store (administrators). */
export function ClusterPage() {
  const { api } = useCtx();
  const [view, setView] = useState<ClusterView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(async () => {
    try { setView(await api.clusterNodes()); setError(null); } catch (e) { setError(e); }
  }, [api]);
  useEffect(() => { void load(); const t = setInterval(() => void load(), 5000); return () => clearInterval(t); }, [load]);
  return (
    <section>
      <h2>Cluster nodes</h2>
      <ErrorBox error={error} />
      {view && <>
        <p className="facts">Answered by <span className="mono">{view.self}</span> · {view.nodes.length} node{view.nodes.length === 1 ? '' : 's'}
          {view.leader && <> · leader <span className="mono">{view.leader}</span></>}</p>
        <table data-testid="cluster-nodes">
          <thead><tr><th>Node</th><th>Address</th><th>State</th><th>Role</th><th>Started</th><th>Lease until</th><th>Applied revision</th></tr></thead>
          <tbody>
            {view.nodes.map(n => (
              <tr key={n.id} data-node={n.id}>
                <td className="mono">{n.id}{n.id === view.self && ' (this node)'}</td><td>{n.address}</td>
                <td className={n.alive ? 'good' : 'warn'}>{n.alive ? 'alive' : 'gone'}</td><td>{n.leader ? 'leader' : '—'}</td>
                <td>{when(n.startedAt)}</td><td>{n.leaseExpiresAt ? when(n.leaseExpiresAt) : '— (single node)'}</td><td className="mono">{n.appliedRevision}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </>}
    </section>
  );
}
