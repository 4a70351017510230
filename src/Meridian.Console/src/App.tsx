import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { Api, ApiError, type Me, type Namespace } from './api';
import { match, navigate, seg, useRoute } from './router';
import { NamespacesPage } from './pages/Namespaces';
import { ServicesPage, ServicePage } from './pages/Services';
import { ConfigsPage, ConfigPage } from './pages/Configs';
import { UsersPage, RolesPage, KeysPage } from './pages/Admin';
import { LoginPage, PasswordPage } from './pages/Login';
import { ClusterPage, ListenersByClientPage } from './pages/Operations';

export interface Ctx { api: Api; me: Me; namespaces: Namespace[]; reloadNamespaces: () => Promise<void>; ns: string }
const Context = createContext<Ctx | null>(null);
export const useCtx = () => useContext(Context)!;

export function App() {
  const [ended, setEnded] = useState(0);
  const api = useMemo(() => new Api(document.baseURI, undefined, () => setEnded(n => n + 1)), []);
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [namespaces, setNamespaces] = useState<Namespace[]>([]);
  const route = useRoute();

  const reloadNamespaces = useCallback(async () => setNamespaces(await api.namespaces()), [api]);
  const start = useCallback(async () => {
    try {
      await api.resume();
      const who = await api.me();
      setNamespaces(await api.namespaces());
      setMe(who);
    } catch {
      setMe(null);
    }
  }, [api]);

  useEffect(() => { void start(); }, [start]);
  useEffect(() => { if (ended > 0) setMe(null); }, [ended]);

  if (me === undefined) return <div className="loading">Loading…</div>;
  if (me === null) return <LoginPage api={api} onLoggedIn={start} />;

  const nsMatch = /^\/ns\/([^/?]+)/.exec(route);
  const ns = nsMatch ? decodeURIComponent(nsMatch[1]) : (namespaces[0]?.id ?? 'public');
  const section = route.startsWith('/ns/') ? (route.includes('/configs') || route.includes('/new-config') ? 'configs' : 'services') : route.split(/[/?]/)[1] || 'namespaces';
  const go = (e: React.MouseEvent, to: string) => { e.preventDefault(); navigate(to); };

  const logout = async () => {
    try { await api.logout(); } catch (e) { if (!(e instanceof ApiError)) throw e; }
    setMe(null);
    navigate('/');
  };

  return (
    <Context.Provider value={{ api, me, namespaces, reloadNamespaces, ns }}>
      <header className="top">
        <strong className="brand">Meridian</strong>
        <label className="ns-select">Namespace{' '}
          <select aria-label="Namespace" value={ns} onChange={e => navigate(`/ns/${seg(e.target.value)}/${section === 'configs' ? 'configs' : 'services'}`)}>
            {namespaces.map(n => <option key={n.id} value={n.id}>{n.name} ({n.id})</option>)}
          </select>
        </label>
        <nav>
          <a href="namespaces" className={section === 'namespaces' ? 'on' : ''} onClick={e => go(e, '/namespaces')}>Namespaces</a>
          <a href={`ns/${seg(ns)}/services`} className={section === 'services' ? 'on' : ''} onClick={e => go(e, `/ns/${seg(ns)}/services`)}>Services</a>
          <a href={`ns/${seg(ns)}/configs`} className={section === 'configs' ? 'on' : ''} onClick={e => go(e, `/ns/${seg(ns)}/configs`)}>Configs</a>
          <a href="listeners" className={section === 'listeners' ? 'on' : ''} onClick={e => go(e, '/listeners')}>Listeners</a>
          {me.admin && <>
            <a href="cluster" className={section === 'cluster' ? 'on' : ''} onClick={e => go(e, '/cluster')}>Cluster</a>
            <a href="users" className={section === 'users' ? 'on' : ''} onClick={e => go(e, '/users')}>Users</a>
            <a href="roles" className={section === 'roles' ? 'on' : ''} onClick={e => go(e, '/roles')}>Roles</a>
            <a href="keys" className={section === 'keys' ? 'on' : ''} onClick={e => go(e, '/keys')}>Access keys</a>
          </>}
        </nav>
        <span className="who">
          <span data-testid="user">{me.name}</span>{' · '}
          <a href="password" onClick={e => go(e, '/password')}>Change password</a>{' · '}
          <button className="link" onClick={() => void logout()}>Log out</button>
        </span>
      </header>
      <main>
        <Routes route={route} onPasswordChanged={start} />
      </main>
    </Context.Provider>
  );
}

function Routes({ route, onPasswordChanged }: { route: string; onPasswordChanged: () => Promise<void> }) {
  let p: Record<string, string> | null;
  if ((p = match('/ns/:ns/services/:group/:name', route))) return <ServicePage key={route} ns={p.ns} group={p.group} name={p.name} />;
  if ((p = match('/ns/:ns/services', route))) return <ServicesPage key={p.ns} ns={p.ns} />;
  if ((p = match('/ns/:ns/configs/:group/:dataId', route))) return <ConfigPage key={route.split('?')[0]} ns={p.ns} group={p.group} dataId={p.dataId} route={route} />;
  if ((p = match('/ns/:ns/new-config', route))) return <ConfigPage key="new" ns={p.ns} group="" dataId="" route={route} />;
  if ((p = match('/ns/:ns/configs', route))) return <ConfigsPage key={p.ns} ns={p.ns} />;
  if (match('/listeners', route)) return <ListenersByClientPage route={route} />;
  if (match('/cluster', route)) return <ClusterPage />;
  if (match('/users', route)) return <UsersPage />;
  if (match('/roles', route)) return <RolesPage />;
  if (match('/keys', route)) return <KeysPage />;
  if (match('/password', route)) return <PasswordPage onChanged={onPasswordChanged} />;
  return <NamespacesPage />;
}

/** An API error as the page shows it: what the server said to fix. */
export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  const messages = error instanceof ApiError ? error.messages : [String(error)];
  return <div className="error" role="alert">{messages.map((m, i) => <div key={i}>{m}</div>)}</div>;
}

export function when(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString() : '—';
}
