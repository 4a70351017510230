import { describe, expect, it } from 'vitest';
import { Api, ApiError } from './api';

interface Sent { url: string; init: RequestInit }

function fake(responses: Array<{ status: number; body?: unknown }>) {
  const sent: Sent[] = [];
  const fetcher = async (url: string, init?: RequestInit) => {
    sent.push({ url, init: init ?? {} });
    const next = responses.shift() ?? { status: 500 };
    return new Response(next.body === undefined ? null : JSON.stringify(next.body), { status: next.status });
  };
  return { sent, fetcher };
}

const session = { username: 'admin', admin: true, csrfToken: 'tok-123', idleTimeoutSeconds: 1800, expiresAt: '2030-01-01T00:00:00Z' };

describe('Api', () => {
  it('resolves paths against the base the console is served under, prefix included', async () => {
    const { sent, fetcher } = fake([{ status: 200, body: [] }]);
    const api = new Api('https://example.test/meridian/', fetcher);
    await api.namespaces();
    expect(sent[0].url).toBe('https://example.test/meridian/v1/namespaces');
    expect(sent[0].init.credentials).toBe('same-origin');
  });

  it('sends the antiforgery token from the login with writes, and never with reads', async () => {
    const { sent, fetcher } = fake([{ status: 200, body: session }, { status: 200, body: [] }, { status: 201, body: {} }]);
    const api = new Api('http://h/', fetcher);
    await api.login('admin', 'pw-12345678');
    await api.namespaces();
    await api.createNamespace('dev', 'Development', '');
    const headers = (i: number) => sent[i].init.headers as Record<string, string>;
    expect(headers(0)['X-Meridian-Csrf']).toBeUndefined();
    expect(headers(1)['X-Meridian-Csrf']).toBeUndefined();
    expect(headers(2)['X-Meridian-Csrf']).toBe('tok-123');
    expect(sent[2].init.method).toBe('POST');
    expect(JSON.parse(String(sent[2].init.body))).toEqual({ id: 'dev', name: 'Development', description: '' });
  });

  it('turns a problem answer into an error carrying the field messages', async () => {
    const problem = { title: 'Invalid input.', status: 400, detail: 'Fix the fields.', errors: { id: ["'id' may hold letters, digits"] } };
    const { fetcher } = fake([{ status: 400, body: problem }]);
    const api = new Api('http://h/', fetcher);
    const error = await api.createNamespace('bad id', '', '').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).messages).toEqual(["'id' may hold letters, digits"]);
  });

  it('reports an ended session once a call answers 401, but not a failed login', async () => {
    let ended = 0;
    const { fetcher } = fake([{ status: 401, body: { title: 'Authentication required.', detail: 'wrong' } }, { status: 401, body: { title: 'x', detail: 'ended' } }]);
    const api = new Api('http://h/', fetcher, () => ended++);
    await expect(api.login('admin', 'nope')).rejects.toBeInstanceOf(ApiError);
    expect(ended).toBe(0);
    await expect(api.namespaces()).rejects.toBeInstanceOf(ApiError);
    expect(ended).toBe(1);
  });

  it('publishes with the md5 it started from, so a concurrent publish is a conflict', async () => {
    const { sent, fetcher } = fake([{ status: 409, body: { title: 'Conflict.', detail: 'changed meanwhile' } }]);
    const api = new Api('http://h/', fetcher);
    const error = await api.publish('dev', 'DEFAULT_GROUP', 'user service.yaml', { content: 'a: 1', type: 'yaml', expectedMd5: 'abc' }).catch((e: unknown) => e);
    expect((error as ApiError).status).toBe(409);
    expect(sent[0].url).toBe('http://h/v1/namespaces/dev/groups/DEFAULT_GROUP/configs/user%20service.yaml');
    expect(JSON.parse(String(sent[0].init.body)).expectedMd5).toBe('abc');
  });

  it('searches data ids by substring unless the user gave a wildcard', async () => {
    const { sent, fetcher } = fake([{ status: 200, body: { items: [] } }, { status: 200, body: { items: [] } }]);
    const api = new Api('http://h/', fetcher);
    await api.configs('public', { dataId: 'user' });
    await api.configs('public', { dataId: 'user*', content: 'port' });
    expect(new URL(sent[0].url).searchParams.get('dataId')).toBe('*user*');
    expect(new URL(sent[1].url).searchParams.get('dataId')).toBe('user*');
    expect(new URL(sent[1].url).searchParams.get('contentContains')).toBe('port');
  });
});
