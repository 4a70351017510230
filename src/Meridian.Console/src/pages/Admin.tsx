import { useCallback, useEffect, useState } from 'react';
import type { AccessKey, Role, User } from '../api';
import { ErrorBox, useCtx, when } from '../App';

function useList<T>(load: () => Promise<T[]>) {
  const [items, setItems] = useState<T[]>([]);
  const [error, setError] = useState<unknown>(null);
  const reload = useCallback(async () => {
    try { setItems(await load()); setError(null); } catch (e) { setError(e); }
  }, [load]);
  useEffect(() => { void reload(); }, [reload]);
  const act = async (f: () => Promise<unknown>) => {
    setError(null);
    try { await f(); await reload(); return true; } catch (e) { setError(e); return false; }
  };
  return { items, error, act };
}

const list = (text: string) => text.split(',').map(s => s.trim()).filter(s => s.length > 0);

export function UsersPage() {
  const { api, me } = useCtx();
  const { items, error, act } = useList<User>(api.users);
  const [form, setForm] = useState({ username: '', password: '', roles: '' });
  return (
    <section>
      <h2>Users</h2>
      <ErrorBox error={error} />
      <table>
        <thead><tr><th>User</th><th>Roles</th><th>Created</th><th /></tr></thead>
        <tbody>
          {items.map(u => (
            <tr key={u.username}>
              <td>{u.username}</td><td>{u.roles.join(', ')}</td><td>{when(u.createdAt)}</td>
              <td>{u.username !== me.name && <button className="danger" onClick={() => { if (window.confirm(`Delete user ${u.username}?`)) void act(() => api.deleteUser(u.username)); }}>Delete</button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="panel inline" onSubmit={e => { e.preventDefault(); void act(() => api.createUser(form.username, form.password, list(form.roles))).then(ok => { if (ok) setForm({ username: '', password: '', roles: '' }); }); }}>
        <h3>New user</h3>
        <label>Username <input name="new-username" value={form.username} onChange={e => setForm({ ...form, username: e.target.value })} /></label>
        <label>Password <input name="new-user-password" type="password" autoComplete="new-password" value={form.password} onChange={e => setForm({ ...form, password: e.target.value })} /></label>
        <label>Roles <input name="new-user-roles" placeholder="dev-readers, admin" value={form.roles} onChange={e => setForm({ ...form, roles: e.target.value })} /></label>
        <button type="submit">Create user</button>
      </form>
    </section>
  );
}

export function RolesPage() {
  const { api } = useCtx();
  const { items, error, act } = useList<Role>(api.roles);
  const [form, setForm] = useState({ name: '', namespace: '', group: '*', kind: '*', pattern: '*', write: false });
  return (
    <section>
      <h2>Roles</h2>
      <ErrorBox error={error} />
      <table>
        <thead><tr><th>Role</th><th>Grants</th><th /></tr></thead>
        <tbody>
          {items.map(r => (
            <tr key={r.name}>
              <td>{r.name}</td>
              <td>{r.grants.map((g, i) => <div key={i} className="mono">{g.actions.join('+')} {g.kind} {g.namespace}/{g.group}/{g.name}</div>)}</td>
              <td><button className="danger" onClick={() => { if (window.confirm(`Delete role ${r.name}?`)) void act(() => api.deleteRole(r.name)); }}>Delete</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="panel inline" onSubmit={e => {
        e.preventDefault();
        void act(() => api.putRole(form.name, [{ namespace: form.namespace, group: form.group, kind: form.kind, name: form.pattern, actions: form.write ? ['read', 'write'] : ['read'] }]));
      }}>
        <h3>New role (one grant)</h3>
        <label>Name <input name="role-name" value={form.name} onChange={e => setForm({ ...form, name: e.target.value })} /></label>
        <label>Namespace <input name="role-namespace" value={form.namespace} onChange={e => setForm({ ...form, namespace: e.target.value })} /></label>
        <label>Group <input name="role-group" value={form.group} onChange={e => setForm({ ...form, group: e.target.value })} /></label>
        <label>Kind <select name="role-kind" value={form.kind} onChange={e => setForm({ ...form, kind: e.target.value })}><option>*</option><option>service</option><option>config</option></select></label>
        <label>Name pattern <input name="role-pattern" value={form.pattern} onChange={e => setForm({ ...form, pattern: e.target.value })} /></label>
        <label><input type="checkbox" name="role-write" checked={form.write} onChange={e => setForm({ ...form, write: e.target.checked })} /> Write too</label>
        <button type="submit">Save role</button>
      </form>
    </section>
  );
}

const scopes = ['discovery:read', 'register', 'config:read', 'config:write'];

export function KeysPage() {
  const { api } = useCtx();
  const { items, error, act } = useList<AccessKey>(api.keys);
  const [form, setForm] = useState({ name: '', namespaces: '', scopes: new Set<string>(['discovery:read']) });
  const [created, setCreated] = useState<AccessKey | null>(null);
  return (
    <section>
      <h2>Access keys</h2>
      <ErrorBox error={error} />
      {created && (
        <div className="secret" role="status">
          Key <strong>{created.name}</strong> created. Copy its secret now: it is shown this once.
          <code data-testid="key-secret">{created.key}</code>
          <button className="secondary" onClick={() => setCreated(null)}>I have copied it</button>
        </div>
      )}
      <table>
        <thead><tr><th>Name</th><th>Id</th><th>Grants</th><th>Created</th><th>Last used</th><th>State</th><th /></tr></thead>
        <tbody>
          {items.map(k => (
            <tr key={k.id}>
              <td>{k.name}</td><td className="mono">{k.id}</td>
              <td>{k.grants.map((g, i) => <div key={i} className="mono">{g.actions.join('+')} {g.kind} {g.namespace}/{g.group}</div>)}</td>
              <td>{when(k.createdAt)} by {k.createdBy}</td><td>{when(k.lastUsedAt)}</td>
              <td>{k.revokedAt ? `revoked ${when(k.revokedAt)}` : 'active'}</td>
              <td>{!k.revokedAt && <button className="danger" onClick={() => { if (window.confirm(`Revoke key ${k.name}?`)) void act(() => api.revokeKey(k.id)); }}>Revoke</button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="panel inline" onSubmit={e => {
        e.preventDefault();
        void act(async () => { setCreated(await api.createKey(form.name, list(form.namespaces), [...form.scopes])); });
      }}>
        <h3>New access key</h3>
        <label>Name <input name="key-name" value={form.name} onChange={e => setForm({ ...form, name: e.target.value })} /></label>
        <label>Namespaces <input name="key-namespaces" placeholder="dev, test or *" value={form.namespaces} onChange={e => setForm({ ...form, namespaces: e.target.value })} /></label>
        {scopes.map(s => (
          <label key={s}><input type="checkbox" checked={form.scopes.has(s)} onChange={e => {
            const next = new Set(form.scopes);
            if (e.target.checked) next.add(s); else next.delete(s);
            setForm({ ...form, scopes: next });
          }} /> {s}</label>
        ))}
        <button type="submit">Create key</button>
      </form>
    </section>
  );
}
