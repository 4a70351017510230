import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, type Config, type ConfigSummary, type HistoryEntry, type Listener } from '../api';
import { ErrorBox, useCtx, when } from '../App';
import { diffSummary } from '../diff';
import { ConfigEditor, DiffView } from '../editors';
import { useChanges } from '../events';
import { mayCloneFrom, mayWrite } from '../grants';
import { navigate, seg, takeFlash } from '../router';
import { selectionKey } from '../transfer';
import { ArchiveTools, CloneDialog } from './Transfers';
import { checkLocally, configTypes, describe, fromServer, type ContentProblem } from '../validation';

export function ConfigsPage({ ns }: { ns: string }) {
  const { api, me, namespaces } = useCtx();
  const [q, setQ] = useState({ dataId: '', group: '', tags: '', content: '' });
  const [items, setItems] = useState<ConfigSummary[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [cloning, setCloning] = useState(false);
  const load = useCallback(async () => {
    try { setItems((await api.configs(ns, q)).items); setError(null); } catch (e) { setError(e); }
  }, [api, ns, q]);
  const toggle = (key: string) => setSelected(s => { const next = new Set(s); if (next.has(key)) next.delete(key); else next.add(key); return next; });
  const shownKeys = items.map(selectionKey);
  const allSelected = shownKeys.length > 0 && shownKeys.every(k => selected.has(k));
  useEffect(() => { void load(); }, [load]);
  useChanges(api, ns, e => { if (e.type !== 'service') void load(); });
  const open = (c: ConfigSummary) => navigate(`/ns/${seg(ns)}/configs/${seg(c.group)}/${seg(c.dataId)}`);
  return (
    <section>
      <h2>Configs in {ns}</h2>
      <div className="toolbar">
        <input aria-label="Data id" placeholder="Data id" value={q.dataId} onChange={e => setQ({ ...q, dataId: e.target.value })} />
        <input aria-label="Group" placeholder="Group" value={q.group} onChange={e => setQ({ ...q, group: e.target.value })} />
        <input aria-label="Tags" placeholder="Tags (a,b)" value={q.tags} onChange={e => setQ({ ...q, tags: e.target.value })} />
        <input aria-label="Content contains" placeholder="Content contains" value={q.content} onChange={e => setQ({ ...q, content: e.target.value })} />
        {mayWrite(me, 'config', ns) && <button onClick={() => navigate(`/ns/${seg(ns)}/new-config`)}>New config</button>}
        {mayCloneFrom(me, ns, namespaces.map(n => n.id)) &&
          <button className="secondary" disabled={selected.size === 0} onClick={() => setCloning(true)}>Clone selected ({selected.size})</button>}
      </div>
      <ArchiveTools ns={ns} group={q.group} dataId={q.dataId} writable={mayWrite(me, 'config', ns)} onImported={() => void load()} />
      {cloning && <CloneDialog ns={ns} selected={[...selected]} onClose={() => setCloning(false)} onDone={() => setSelected(new Set())} />}
      <ErrorBox error={error} />
      <table>
        <thead><tr><th><input type="checkbox" aria-label="Select all" checked={allSelected}
          onChange={() => setSelected(allSelected ? new Set() : new Set(shownKeys))} /></th><th>Data id</th><th>Group</th><th>Type</th><th>Version</th><th>MD5</th><th>Modified</th><th>Tags</th></tr></thead>
        <tbody>
          {items.map(c => (
            <tr key={`${c.group}/${c.dataId}`}>
              <td><input type="checkbox" aria-label={`Select ${c.group}/${c.dataId}`} checked={selected.has(selectionKey(c))} onChange={() => toggle(selectionKey(c))} /></td>
              <td><a href={`ns/${seg(ns)}/configs/${seg(c.group)}/${seg(c.dataId)}`} onClick={e => { e.preventDefault(); open(c); }}>{c.dataId}</a></td>
              <td>{c.group}</td><td>{c.type}</td><td>{c.version}</td><td className="mono">{c.md5}</td><td>{when(c.modifiedAt)}</td>
              <td>{c.tags.map(t => <span key={t} className="tag">{t}</span>)}</td>
            </tr>
          ))}
          {items.length === 0 && <tr><td colSpan={8} className="empty">No configs.</td></tr>}
        </tbody>
      </table>
    </section>
  );
}

type Stage = { kind: 'edit' } | { kind: 'review' } | { kind: 'conflict'; theirs: Config | null };

export function ConfigPage({ ns, group, dataId, route }: { ns: string; group: string; dataId: string; route: string }) {
  const isNew = dataId === '';
  const tab = new URLSearchParams(route.split('?')[1] ?? '').get('tab') ?? 'edit';
  const { api, me } = useCtx();
  const [current, setCurrent] = useState<Config | null>(null);
  const [key, setKey] = useState({ group: group || 'DEFAULT_GROUP', dataId });
  const [draft, setDraft] = useState('');
  const [type, setType] = useState('yaml');
  const [stage, setStage] = useState<Stage>({ kind: 'edit' });
  const [problem, setProblem] = useState<ContentProblem | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(() => takeFlash());
  const [loaded, setLoaded] = useState(isNew);
  const writable = mayWrite(me, 'config', ns, key.group, key.dataId || '*');

  const load = useCallback(async () => {
    if (isNew) return;
    try {
      const c = await api.config(ns, group, dataId);
      setCurrent(c);
      setDraft(c.content);
      setType(c.type);
      setLoaded(true);
    } catch (e) { setError(e); }
  }, [api, ns, group, dataId, isNew]);
  useEffect(() => { void load(); }, [load]);

  // Someone else's publish shows at once (the change stream); the draft is kept, and publishing it then is a conflict.
  // This page's own writes come back on the stream too, sometimes before their answer: those are not news.
  const own = useRef({ inFlight: 0, md5s: new Set<string>() });
  const write = async <T extends { md5: string }>(f: () => Promise<T>): Promise<T> => {
    own.current.inFlight++;
    try {
      const saved = await f();
      own.current.md5s.add(saved.md5);
      return saved;
    } finally {
      own.current.inFlight--;
    }
  };
  useChanges(api, ns, e => {
    if (e.type === 'config' && e.data.group === key.group && e.data.dataId === key.dataId && current && e.data.md5 !== current.md5
      && own.current.inFlight === 0 && !own.current.md5s.has(e.data.md5)) {
      setNotice(`Version ${e.data.version} was just published by someone else.`);
    }
  });

  // Inline validation: JSON and YAML at once in the page, every type by the server's parser shortly after typing stops.
  const checks = useRef(0);
  useEffect(() => {
    setProblem(checkLocally(type, draft));
    const n = ++checks.current;
    const timer = setTimeout(() => {
      void api.check(type, draft).then(r => { if (n === checks.current) setProblem(fromServer(r)); }).catch(() => {});
    }, 300);
    return () => clearTimeout(timer);
  }, [api, type, draft]);

  const publish = async () => {
    setError(null);
    try {
      const saved = await write(() => api.publish(ns, key.group, key.dataId, { content: draft, type, expectedMd5: current?.md5 ?? '' }));
      setCurrent(saved);
      setDraft(saved.content);
      setStage({ kind: 'edit' });
      const published = `Published version ${saved.version} (md5 ${saved.md5}).`;
      if (isNew) navigate(`/ns/${seg(ns)}/configs/${seg(key.group)}/${seg(key.dataId)}`, published);
      else setNotice(published);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        let theirs: Config | null = null;
        try { theirs = await api.config(ns, key.group, key.dataId); } catch (inner) { if (!(inner instanceof ApiError && inner.status === 404)) throw inner; }
        setStage({ kind: 'conflict', theirs });
      } else {
        setError(e);
      }
    }
  };

  const goTab = (t: string) => navigate(`/ns/${seg(ns)}/configs/${seg(group)}/${seg(dataId)}${t === 'edit' ? '' : `?tab=${t}`}`);
  return (
    <section>
      <h2>{isNew ? 'New config' : dataId} <small>{ns} / {isNew ? key.group : group}</small></h2>
      {!isNew && (
        <div className="tabs">
          {['edit', 'history', 'listeners'].map(t => <button key={t} className={tab === t ? 'on' : 'secondary'} onClick={() => goTab(t)}>{t[0].toUpperCase() + t.slice(1)}</button>)}
        </div>
      )}
      {notice && <div className="ok" role="status">{notice}</div>}
      <ErrorBox error={error} />
      {tab === 'history' && !isNew && <HistoryTab ns={ns} group={group} dataId={dataId} type={type} writable={writable} write={write} onRolledBack={c => { setCurrent(c); setDraft(c.content); setNotice(`Rolled back: version ${c.version} holds the content again.`); }} />}
      {tab === 'listeners' && !isNew && current && <ListenersTab ns={ns} group={group} dataId={dataId} md5={current.md5} />}
      {tab === 'edit' && loaded && (
        <>
          <div className="toolbar">
            {isNew && <>
              <label>Data id <input name="data-id" value={key.dataId} onChange={e => setKey({ ...key, dataId: e.target.value })} /></label>
              <label>Group <input name="group" value={key.group} onChange={e => setKey({ ...key, group: e.target.value })} /></label>
            </>}
            <label>Type{' '}
              <select aria-label="Type" value={type} disabled={!writable} onChange={e => setType(e.target.value)}>
                {configTypes.map(t => <option key={t}>{t}</option>)}
              </select>
            </label>
            {current && <span className="facts">Version {current.version} · md5 <span className="mono" data-testid="md5">{current.md5}</span> · {when(current.modifiedAt)}</span>}
          </div>
          {stage.kind === 'edit' && <>
            <ConfigEditor value={draft} type={type} problem={problem} readOnly={!writable} onChange={setDraft} />
            <div className={problem ? 'problem' : 'valid'} data-testid="validation">{problem ? describe(problem) : `Valid ${type}`}</div>
            {writable && <button disabled={!!problem || (!isNew && draft === current?.content && type === current?.type) || (isNew && !key.dataId)}
              onClick={() => setStage({ kind: 'review' })}>Review changes</button>}
          </>}
          {stage.kind === 'review' && <>
            <h3>Changes to publish <small data-testid="diff-summary">{diffSummary(current?.content ?? '', draft)}</small></h3>
            <DiffView before={current?.content ?? ''} after={draft} type={type} beforeLabel={current ? `Current (version ${current.version})` : 'Nothing yet'} afterLabel="Yours" />
            <div className="actions">
              <button onClick={() => void publish()}>Publish</button>
              <button className="secondary" onClick={() => setStage({ kind: 'edit' })}>Back to editing</button>
            </div>
          </>}
          {stage.kind === 'conflict' && <>
            <div className="error" role="alert">
              Someone else changed this config after you opened it{stage.theirs ? ` (now version ${stage.theirs.version})` : ' (it was deleted)'}. Nothing was overwritten. Their change:
            </div>
            <DiffView before={current?.content ?? ''} after={stage.theirs?.content ?? ''} type={type}
              beforeLabel={current ? `What you started from (version ${current.version})` : 'Nothing'} afterLabel={stage.theirs ? `Theirs (version ${stage.theirs.version})` : 'Deleted'} />
            <div className="actions">
              <button className="secondary" onClick={() => { if (stage.theirs) { setCurrent(stage.theirs); setDraft(stage.theirs.content); } setStage({ kind: 'edit' }); }}>Discard mine, take theirs</button>
              <button onClick={() => { if (stage.theirs) setCurrent(stage.theirs); setStage({ kind: 'review' }); }}>Review mine against theirs</button>
            </div>
          </>}
        </>
      )}
    </section>
  );
}

function HistoryTab({ ns, group, dataId, type, writable, write, onRolledBack }: {
  ns: string; group: string; dataId: string; type: string; writable: boolean; write: (f: () => Promise<Config>) => Promise<Config>; onRolledBack: (c: Config) => void;
}) {
  const { api } = useCtx();
  const [entries, setEntries] = useState<HistoryEntry[]>([]);
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const [diff, setDiff] = useState<{ from: number; to: number; before: string; after: string } | null>(null);
  const [confirm, setConfirm] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(async () => {
    try {
      const h = (await api.history(ns, group, dataId)).items;
      setEntries(h);
      if (h.length >= 2) { setFrom(h[1].version); setTo(h[0].version); }
    } catch (e) { setError(e); }
  }, [api, ns, group, dataId]);
  useEffect(() => { void load(); }, [load]);
  const compare = async () => {
    if (from === null || to === null) return;
    try {
      const [a, b] = await Promise.all([api.version(ns, group, dataId, from), api.version(ns, group, dataId, to)]);
      setDiff({ from, to, before: a.content, after: b.content });
    } catch (e) { setError(e); }
  };
  const rollback = async (version: number) => {
    setError(null);
    try { const c = await write(() => api.rollback(ns, group, dataId, version)); setConfirm(null); onRolledBack(c); await load(); } catch (e) { setError(e); }
  };
  return (
    <div>
      <ErrorBox error={error} />
      <table>
        <thead><tr><th>From</th><th>To</th><th>Version</th><th>Operation</th><th>MD5</th><th>By</th><th>From address</th><th>When</th><th /></tr></thead>
        <tbody>
          {entries.map((e, i) => (
            <tr key={e.version} data-version={e.version}>
              <td><input type="radio" name="from" aria-label={`Compare from version ${e.version}`} checked={from === e.version} onChange={() => setFrom(e.version)} /></td>
              <td><input type="radio" name="to" aria-label={`Compare to version ${e.version}`} checked={to === e.version} onChange={() => setTo(e.version)} /></td>
              <td>{e.version}</td><td>{e.operation}</td><td className="mono">{e.md5}</td><td>{e.user}</td><td>{e.sourceAddress}</td><td>{when(e.changedAt)}</td>
              <td>{writable && i > 0 && e.operation !== 'delete' && <button className="secondary" onClick={() => setConfirm(e.version)}>Roll back to this</button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button disabled={from === null || to === null || from === to} onClick={() => void compare()}>Compare versions</button>
      {confirm !== null && (
        <div className="confirm" role="dialog" aria-label="Confirm rollback">
          Publish the content of version {confirm} again, as a new version? Every listener gets it.
          <button onClick={() => void rollback(confirm)}>Roll back to version {confirm}</button>
          <button className="secondary" onClick={() => setConfirm(null)}>Cancel</button>
        </div>
      )}
      {diff && <DiffView before={diff.before} after={diff.after} type={type} beforeLabel={`Version ${diff.from}`} afterLabel={`Version ${diff.to}`} />}
    </div>
  );
}

function ListenersTab({ ns, group, dataId, md5 }: { ns: string; group: string; dataId: string; md5: string }) {
  const { api } = useCtx();
  const [listeners, setListeners] = useState<Listener[]>([]);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(async () => {
    try { setListeners(await api.listeners(ns, group, dataId)); } catch (e) { setError(e); }
  }, [api, ns, group, dataId]);
  useEffect(() => { void load(); const t = setInterval(() => void load(), 3000); return () => clearInterval(t); }, [load]);
  return (
    <div>
      <ErrorBox error={error} />
      <table>
        <thead><tr><th>Client</th><th>Address</th><th>Holds MD5</th><th>Since</th></tr></thead>
        <tbody>
          {listeners.map(l => (
            <tr key={l.clientId + l.address}>
              <td>{l.clientId}</td><td>{l.address}</td>
              <td className={l.md5 === md5 ? 'good mono' : 'warn mono'}>{l.md5 || '(none)'} {l.md5 === md5 ? '(current)' : '(stale)'}</td>
              <td>{when(l.since)}</td>
            </tr>
          ))}
          {listeners.length === 0 && <tr><td colSpan={4} className="empty">No client is listening to this config right now.</td></tr>}
        </tbody>
      </table>
    </div>
  );
}
