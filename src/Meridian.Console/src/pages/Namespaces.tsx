import { useState } from 'react';
import type { Namespace } from '../api';
import { ErrorBox, useCtx } from '../App';
import { navigate, seg } from '../router';

export function NamespacesPage() {
  const { api, me, namespaces, reloadNamespaces } = useCtx();
  const [form, setForm] = useState({ id: '', name: '', description: '' });
  const [editing, setEditing] = useState<Namespace | null>(null);
  const [error, setError] = useState<unknown>(null);
  const act = async (f: () => Promise<unknown>) => {
    setError(null);
    try { await f(); await reloadNamespaces(); } catch (e) { setError(e); }
  };
  return (
    <section>
      <h2>Namespaces</h2>
      <ErrorBox error={error} />
      <table>
        <thead><tr><th>Id</th><th>Name</th><th>Description</th><th>Services</th><th>Configs</th>{me.admin && <th />}</tr></thead>
        <tbody>
          {namespaces.map(n => editing?.id === n.id ? (
            <tr key={n.id}>
              <td>{n.id}</td>
              <td><input aria-label="Name" value={editing.name} onChange={e => setEditing({ ...editing, name: e.target.value })} /></td>
              <td><input aria-label="Description" value={editing.description} onChange={e => setEditing({ ...editing, description: e.target.value })} /></td>
              <td>{n.serviceCount}</td><td>{n.configCount}</td>
              <td>
                <button onClick={() => void act(async () => { await api.updateNamespace(n.id, editing.name, editing.description); setEditing(null); })}>Save</button>
                <button className="secondary" onClick={() => setEditing(null)}>Cancel</button>
              </td>
            </tr>
          ) : (
            <tr key={n.id} data-ns={n.id}>
              <td><a href={`ns/${seg(n.id)}/services`} onClick={e => { e.preventDefault(); navigate(`/ns/${seg(n.id)}/services`); }}>{n.id}</a></td>
              <td>{n.name}</td><td>{n.description}</td><td>{n.serviceCount}</td><td>{n.configCount}</td>
              {me.admin && <td>
                <button className="secondary" onClick={() => setEditing(n)}>Edit</button>
                {n.id !== 'public' && <button className="danger" disabled={n.serviceCount + n.configCount > 0}
                  title={n.serviceCount + n.configCount > 0 ? 'Only an empty namespace can be deleted' : ''}
                  onClick={() => { if (window.confirm(`Delete namespace ${n.id}?`)) void act(() => api.deleteNamespace(n.id)); }}>Delete</button>}
              </td>}
            </tr>
          ))}
        </tbody>
      </table>
      {me.admin && (
        <form className="panel inline" onSubmit={e => { e.preventDefault(); void act(async () => { await api.createNamespace(form.id, form.name || form.id, form.description); setForm({ id: '', name: '', description: '' }); }); }}>
          <h3>New namespace</h3>
          <label>Id <input name="ns-id" value={form.id} onChange={e => setForm({ ...form, id: e.target.value })} /></label>
          <label>Name <input name="ns-name" value={form.name} onChange={e => setForm({ ...form, name: e.target.value })} /></label>
          <label>Description <input name="ns-description" value={form.description} onChange={e => setForm({ ...form, description: e.target.value })} /></label>
          <button type="submit">Create namespace</button>
        </form>
      )}
    </section>
  );
}
