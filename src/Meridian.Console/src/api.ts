// The console's only way to the server: the native HTTP API, same origin, with the session cookie the browser holds
// (HttpOnly: no script sees it) and the antiforgery token the login answer gave, sent with every write.

export interface Problem {
  status: number;
  title: string;
  detail: string;
  errors?: Record<string, string[]>;
}

export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly errors: Record<string, string[]>;

  constructor(problem: Problem) {
    super(problem.detail || problem.title);
    this.status = problem.status;
    this.title = problem.title;
    this.detail = problem.detail;
    this.errors = problem.errors ?? {};
  }

  /** Every message the problem carries, field errors first. */
  get messages(): string[] {
    const fields = Object.values(this.errors).flat();
    return fields.length > 0 ? fields : [this.detail || this.title];
  }
}

export interface Session { username: string; admin: boolean; csrfToken: string; idleTimeoutSeconds: number; expiresAt: string }
export interface GrantContract { namespace: string; group: string; kind: string; name: string; actions: string[] }
export interface Me { name: string; kind: string; admin: boolean; grants: GrantContract[] }
export interface Namespace { id: string; name: string; description: string; serviceCount: number; configCount: number }
export interface ClusterDefinition { name: string }
export interface Service {
  namespace: string; group: string; name: string; protectThreshold: number; metadata: Record<string, string>;
  clusters: Record<string, ClusterDefinition>; instanceCount: number; healthyInstanceCount: number; revision: number; checksum: string;
  reachedProtectThreshold: boolean;
}
export interface Page<T> { total: number; pageNo: number; pageSize: number; items: T[] }
export interface Instance {
  instanceId: string; ip: string; port: number; weight: number; healthy: boolean; enabled: boolean; ephemeral: boolean;
  cluster: string; metadata: Record<string, string>;
}
export interface InstanceList { namespace: string; group: string; service: string; revision: number; reachedProtectThreshold: boolean; instances: Instance[] }
export interface Liveness { instanceId: string; keptAliveBy: 'heartbeat' | 'connection' | 'probe' }
export interface ConfigSummary {
  namespace: string; group: string; dataId: string; md5: string; type: string; appName: string; tags: string[]; description: string;
  size: number; modifiedAt: string; version: number;
}
export interface Config extends Omit<ConfigSummary, 'size'> { content: string; createdAt: string; revision: number }
export interface HistoryEntry { version: number; operation: string; md5: string; type: string; user: string; sourceAddress: string; changedAt: string }
export interface Version extends HistoryEntry { content: string; appName: string; tags: string[]; description: string }
export interface Listener { clientId: string; address: string; md5: string; since: string }
export interface ClientListening { namespace: string; group: string; dataId: string; clientId: string; address: string; md5: string; since: string }
export interface Subscriber { address: string; protocol: 'grpc' | 'nacos-grpc' | 'nacos-udp'; clientId: string; agent: string; since: string }
export type ConflictPolicy = 'abort' | 'skip' | 'overwrite';
export interface ConfigRef { namespace: string; group: string; dataId: string }
export interface TransferReport { created: ConfigRef[]; skipped: ConfigRef[]; overwritten: ConfigRef[]; failed: Array<ConfigRef & { reason: string }> }
export interface ClusterNode { id: string; address: string; alive: boolean; leader: boolean; startedAt: string; leaseExpiresAt: string | null; appliedRevision: number }
export interface ClusterView { self: string; leader: string | null; at: string; nodes: ClusterNode[] }
export interface ContentCheck { valid: boolean; line: number | null; column: number | null; reason: string | null }
export interface User { username: string; roles: string[]; createdAt: string }
export interface Role { name: string; grants: GrantContract[] }
export interface AccessKey {
  id: string; name: string; grants: GrantContract[]; createdBy: string; createdAt: string; expiresAt: string | null;
  revokedAt: string | null; lastUsedAt: string | null; key: string | null;
}
export interface Publish { content: string; type?: string; tags?: string[]; description?: string; appName?: string; expectedMd5?: string }

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

const enc = encodeURIComponent;

export class Api {
  private csrf: string | null = null;

  /** base: the URL the console is served under (document.baseURI), ending in '/'. */
  constructor(readonly base: string, private readonly fetcher: Fetch = (i, init) => fetch(i, init), private readonly onEnded: () => void = () => {}) {}

  url(path: string): string {
    return new URL(path.replace(/^\//, ''), this.base).toString();
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const raw = typeof Blob !== 'undefined' && body instanceof Blob;
    if (body !== undefined) headers['Content-Type'] = raw ? 'application/zip' : 'application/json';
    if (method !== 'GET' && method !== 'HEAD' && this.csrf) headers['X-Meridian-Csrf'] = this.csrf;
    const response = await this.fetcher(this.url(path), {
      method,
      headers,
      body: body === undefined ? undefined : raw ? (body as Blob) : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    const data: unknown = text.length > 0 ? safeJson(text) : undefined;
    if (!response.ok) {
      const p = (data ?? {}) as Partial<Problem>;
      const problem: Problem = { status: response.status, title: p.title ?? response.statusText, detail: p.detail ?? text, errors: p.errors };
      if (response.status === 401 && !path.startsWith('v1/auth/session')) {
        this.csrf = null;
        this.onEnded();
      }
      throw new ApiError(problem);
    }
    return data as T;
  }

  // Session
  async login(username: string, password: string): Promise<Session> {
    const session = await this.request<Session>('POST', 'v1/auth/session', { username, password });
    this.csrf = session.csrfToken;
    return session;
  }

  async resume(): Promise<Session> {
    const session = await this.request<Session>('GET', 'v1/auth/session');
    this.csrf = session.csrfToken;
    return session;
  }

  async logout(): Promise<void> {
    await this.request<void>('DELETE', 'v1/auth/session');
    this.csrf = null;
  }

  me = () => this.request<Me>('GET', 'v1/auth/me');
  changePassword = (user: string, password: string) => this.request<User>('PUT', `v1/auth/users/${enc(user)}`, { password });

  // Namespaces
  namespaces = () => this.request<Namespace[]>('GET', 'v1/namespaces');
  createNamespace = (id: string, name: string, description: string) => this.request<Namespace>('POST', 'v1/namespaces', { id, name, description });
  updateNamespace = (id: string, name: string, description: string) => this.request<Namespace>('PUT', `v1/namespaces/${enc(id)}`, { name, description });
  deleteNamespace = (id: string) => this.request<void>('DELETE', `v1/namespaces/${enc(id)}`);

  // Services and instances
  services = (ns: string, search: string) =>
    this.request<Page<Service>>('GET', `v1/namespaces/${enc(ns)}/services?pageSize=1000${search ? `&search=${enc(search)}` : ''}`);
  private servicePath = (ns: string, group: string, name: string) => `v1/namespaces/${enc(ns)}/groups/${enc(group)}/services/${enc(name)}`;
  service = (ns: string, group: string, name: string) => this.request<Service>('GET', this.servicePath(ns, group, name));
  instances = (ns: string, group: string, name: string) => this.request<InstanceList>('GET', `${this.servicePath(ns, group, name)}/instances`);
  liveness = (ns: string, group: string, name: string) => this.request<Liveness[]>('GET', `${this.servicePath(ns, group, name)}/instances/liveness`);
  subscribers = (ns: string, group: string, name: string) => this.request<Subscriber[]>('GET', `${this.servicePath(ns, group, name)}/subscribers`);
  updateInstance = (ns: string, group: string, name: string, id: string, patch: { weight?: number; enabled?: boolean; metadata?: Record<string, string> }) =>
    this.request<Instance>('PATCH', `${this.servicePath(ns, group, name)}/instances/${enc(id)}`, patch);

  // Configs
  configs = (ns: string, q: { dataId?: string; group?: string; tags?: string; content?: string }) => {
    const params = new URLSearchParams({ pageSize: '1000' });
    if (q.dataId) params.set('dataId', q.dataId.includes('*') ? q.dataId : `*${q.dataId}*`);
    if (q.group) params.set('group', q.group);
    if (q.tags) params.set('tags', q.tags);
    if (q.content) params.set('contentContains', q.content);
    return this.request<Page<ConfigSummary>>('GET', `v1/namespaces/${enc(ns)}/configs?${params}`);
  };
  private configPath = (ns: string, group: string, dataId: string) => `v1/namespaces/${enc(ns)}/groups/${enc(group)}/configs/${enc(dataId)}`;
  config = (ns: string, group: string, dataId: string) => this.request<Config>('GET', `${this.configPath(ns, group, dataId)}?format=json`);
  publish = (ns: string, group: string, dataId: string, body: Publish) => this.request<Config>('PUT', this.configPath(ns, group, dataId), body);
  deleteConfig = (ns: string, group: string, dataId: string) => this.request<void>('DELETE', this.configPath(ns, group, dataId));
  history = (ns: string, group: string, dataId: string) => this.request<Page<HistoryEntry>>('GET', `${this.configPath(ns, group, dataId)}/history?pageSize=1000`);
  version = (ns: string, group: string, dataId: string, v: number) => this.request<Version>('GET', `${this.configPath(ns, group, dataId)}/history/${v}`);
  rollback = (ns: string, group: string, dataId: string, v: number) => this.request<Config>('POST', `${this.configPath(ns, group, dataId)}/rollback`, { version: v });
  listeners = (ns: string, group: string, dataId: string) => this.request<Listener[]>('GET', `${this.configPath(ns, group, dataId)}/listeners`);
  listenedBy = (client: string) => this.request<ClientListening[]>('GET', `v1/configs/listeners?client=${enc(client)}`);
  cloneConfigs = (ns: string, targetNamespace: string, policy: ConflictPolicy, configs: Array<{ group: string; dataId: string }>) =>
    this.request<TransferReport>('POST', `v1/namespaces/${enc(ns)}/configs/clone`, { targetNamespace, policy, configs });
  /** A plain GET the browser downloads (the session cookie goes with it; reads need no antiforgery token). */
  exportUrl = (ns: string, q: { group?: string; dataId?: string } = {}) => {
    const params = new URLSearchParams();
    if (q.group) params.set('group', q.group);
    if (q.dataId) params.set('dataId', q.dataId);
    const query = params.toString();
    return this.url(`v1/namespaces/${enc(ns)}/configs/export${query ? `?${query}` : ''}`);
  };
  importConfigs = (ns: string, zip: Blob, policy: ConflictPolicy) =>
    this.request<TransferReport>('POST', `v1/namespaces/${enc(ns)}/configs/import?policy=${policy}`, zip);
  check = (type: string, content: string) => this.request<ContentCheck>('POST', 'v1/configs/check', { type, content });

  // Cluster
  clusterNodes = () => this.request<ClusterView>('GET', 'v1/cluster/nodes');

  // Users, roles, keys
  users = () => this.request<User[]>('GET', 'v1/auth/users');
  createUser = (username: string, password: string, roles: string[]) => this.request<User>('POST', 'v1/auth/users', { username, password, roles });
  setRoles = (username: string, roles: string[]) => this.request<User>('PUT', `v1/auth/users/${enc(username)}`, { roles });
  deleteUser = (username: string) => this.request<void>('DELETE', `v1/auth/users/${enc(username)}`);
  roles = () => this.request<Role[]>('GET', 'v1/auth/roles');
  putRole = (name: string, grants: GrantContract[]) => this.request<Role>('PUT', `v1/auth/roles/${enc(name)}`, { grants });
  deleteRole = (name: string) => this.request<void>('DELETE', `v1/auth/roles/${enc(name)}`);
  keys = () => this.request<AccessKey[]>('GET', 'v1/auth/keys');
  createKey = (name: string, namespaces: string[], scopes: string[]) => this.request<AccessKey>('POST', 'v1/auth/keys', { name, namespaces, scopes });
  revokeKey = (id: string) => this.request<AccessKey>('DELETE', `v1/auth/keys/${enc(id)}`);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
