import { useCallback, useEffect, useState } from 'react';
import type { Instance, InstanceList, Liveness, Service, Subscriber } from '../api';
import { ErrorBox, useCtx, when } from '../App';
import { useChanges } from '../events';
import { mayWrite } from '../grants';
import { navigate, seg } from '../router';
import { protocolLabel } from '../transfer';

export function ServicesPage({ ns }: { ns: string }) {
  const { api } = useCtx();
  const [search, setSearch] = useState('');
  const [hideEmpty, setHideEmpty] = useState(false);
  const [services, setServices] = useState<Service[]>([]);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(async () => {
    try { setServices((await api.services(ns, search)).items); setError(null); } catch (e) { setError(e); }
  }, [api, ns, search]);
  useEffect(() => { void load(); }, [load]);
  useChanges(api, ns, e => { if (e.type !== 'config') void load(); });
  const shown = hideEmpty ? services.filter(s => s.instanceCount > 0) : services;
  return (
    <section>
      <h2>Services in {ns}</h2>
      <div className="toolbar">
        <input aria-label="Search services" placeholder="Search by name" value={search} onChange={e => setSearch(e.target.value)} />
        <label><input type="checkbox" checked={hideEmpty} onChange={e => setHideEmpty(e.target.checked)} /> Hide empty</label>
      </div>
      <ErrorBox error={error} />
      <table>
        <thead><tr><th>Service</th><th>Group</th><th>Clusters</th><th>Healthy and online / total</th><th>Protect threshold</th></tr></thead>
        <tbody>
          {shown.map(s => (
            <tr key={`${s.group}@@${s.name}`}>
              <td><a href={`ns/${seg(ns)}/services/${seg(s.group)}/${seg(s.name)}`}
                onClick={e => { e.preventDefault(); navigate(`/ns/${seg(ns)}/services/${seg(s.group)}/${seg(s.name)}`); }}>{s.name}</a></td>
              <td>{s.group}</td>
              <td>{Object.keys(s.clusters).join(', ') || '—'}</td>
              <td className={s.healthyInstanceCount < s.instanceCount ? 'warn' : ''}>{s.healthyInstanceCount} / {s.instanceCount}</td>
              <td data-testid="protect">{s.protectThreshold > 0 ? s.protectThreshold : '—'}
                {s.reachedProtectThreshold && <strong className="warn" title="Fewer healthy instances than the threshold: unhealthy ones are served too"> reached</strong>}</td>
            </tr>
          ))}
          {shown.length === 0 && <tr><td colSpan={5} className="empty">No services{search ? ` matching '${search}'` : ''}.</td></tr>}
        </tbody>
      </table>
    </section>
  );
}

export function ServicePage({ ns, group, name }: { ns: string; group: string; name: string }) {
  const { api, me } = useCtx();
  const [list, setList] = useState<InstanceList | null>(null);
  const [service, setService] = useState<Service | null>(null);
  const [liveness, setLiveness] = useState<Record<string, Liveness['keptAliveBy']>>({});
  const [subscribers, setSubscribers] = useState<Subscriber[]>([]);
  const [error, setError] = useState<unknown>(null);
  const writable = mayWrite(me, 'service', ns, group, name);
  const load = useCallback(async () => {
    try {
      const [s, l, live, subs] = await Promise.all([api.service(ns, group, name), api.instances(ns, group, name), api.liveness(ns, group, name),
        api.subscribers(ns, group, name)]);
      setService(s);
      setSubscribers(subs);
      setList(l);
      setLiveness(Object.fromEntries(live.map(x => [x.instanceId, x.keptAliveBy])));
      setError(null);
    } catch (e) { setError(e); }
  }, [api, ns, group, name]);
  useEffect(() => { void load(); }, [load]);
  useChanges(api, ns, e => { if (e.type === 'resync' || (e.type === 'service' && e.data.group === group && e.data.name === name)) void load(); });

  const clusters = new Map<string, Instance[]>();
  for (const i of list?.instances ?? []) clusters.set(i.cluster, [...(clusters.get(i.cluster) ?? []), i]);
  const update = async (i: Instance, patch: { weight?: number; enabled?: boolean }) => {
    setError(null);
    try { await api.updateInstance(ns, group, name, i.instanceId, patch); await load(); } catch (e) { setError(e); }
  };
  return (
    <section>
      <h2>{name} <small>{ns} / {group}</small></h2>
      {service && <p className="facts">Protect threshold {service.protectThreshold}{list?.reachedProtectThreshold && <strong className="warn"> — reached: unhealthy instances are served too</strong>}
        {' · '}{service.healthyInstanceCount} of {service.instanceCount} healthy and online</p>}
      <ErrorBox error={error} />
      {[...clusters.entries()].map(([cluster, instances]) => (
        <div key={cluster} className="cluster">
          <h3>Cluster {cluster} <small>{instances.filter(i => i.healthy).length} / {instances.length} healthy</small></h3>
          <table>
            <thead><tr><th>Address</th><th>Health</th><th>State</th><th>Weight</th><th>Kept alive by</th><th>Metadata</th></tr></thead>
            <tbody>
              {instances.map(i => <InstanceRow key={i.instanceId} instance={i} writable={writable} keptAliveBy={liveness[i.instanceId]} onUpdate={p => void update(i, p)} />)}
            </tbody>
          </table>
        </div>
      ))}
      {list && list.instances.length === 0 && <p className="empty">No instances registered.</p>}
      <h3>Subscribers <small>clients following this service's changes on this node</small>
        <button className="secondary" onClick={() => void load()}>Refresh</button></h3>
      <table data-testid="subscribers">
        <thead><tr><th>Client address</th><th>Protocol</th><th>Client id</th><th>Agent</th><th>Since</th></tr></thead>
        <tbody>
          {subscribers.map(s => (
            <tr key={`${s.protocol}|${s.clientId}|${s.address}`} data-subscriber={s.address}>
              <td>{s.address}</td><td>{protocolLabel(s.protocol)}</td><td className="mono">{s.clientId}</td><td>{s.agent || '—'}</td><td>{when(s.since)}</td>
            </tr>
          ))}
          {subscribers.length === 0 && <tr><td colSpan={5} className="empty">No client subscribes to this service right now.</td></tr>}
        </tbody>
      </table>
    </section>
  );
}

function InstanceRow({ instance: i, writable, keptAliveBy, onUpdate }: {
  instance: Instance; writable: boolean; keptAliveBy?: string; onUpdate: (p: { weight?: number; enabled?: boolean }) => void;
}) {
  const [weight, setWeight] = useState(String(i.weight));
  useEffect(() => setWeight(String(i.weight)), [i.weight]);
  const address = `${i.ip}:${i.port}`;
  return (
    <tr data-instance={address}>
      <td>{address}</td>
      <td className={i.healthy ? 'good' : 'warn'}>{i.healthy ? 'healthy' : 'unhealthy'}</td>
      <td>
        {i.enabled ? 'online' : <span className="warn">offline</span>}
        {writable && <button className="secondary" onClick={() => onUpdate({ enabled: !i.enabled })}>{i.enabled ? 'Take offline' : 'Bring online'}</button>}
      </td>
      <td>
        {writable ? (
          <form className="weight" onSubmit={e => { e.preventDefault(); onUpdate({ weight: Number(weight) }); }}>
            <input aria-label={`Weight of ${address}`} type="number" min="0" max="10000" step="any" value={weight} onChange={e => setWeight(e.target.value)} />
            <button type="submit" disabled={Number(weight) === i.weight}>Set weight</button>
          </form>
        ) : i.weight}
        {i.weight === 0 && <span className="warn"> draining</span>}
      </td>
      <td>{keptAliveBy ?? (i.ephemeral ? 'heartbeat' : 'probe')}</td>
      <td className="meta">{Object.entries(i.metadata).map(([k, v]) => <span key={k} className="tag">{k}={v}</span>)}</td>
    </tr>
  );
}
