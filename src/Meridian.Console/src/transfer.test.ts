import { describe, expect, it } from 'vitest';
import { Api } from './api';
import { fromSelectionKey, protocolLabel, selectionKey, transferRows, transferSummary } from './transfer';

const report = {
  created: [{ namespace: 'dev', group: 'B', dataId: 'b.yaml' }],
  skipped: [{ namespace: 'dev', group: 'A', dataId: 'z.yaml' }],
  overwritten: [],
  failed: [{ namespace: 'dev', group: 'A', dataId: 'a.json', reason: "'content' is not valid json at line 1, column 2" }],
};

describe('transfer', () => {
  it('sums up a report and lists each config with its outcome, by group then data id', () => {
    expect(transferSummary(report)).toBe('1 created, 1 skipped, 0 overwritten, 1 failed');
    expect(transferRows(report).map(r => `${r.group}/${r.dataId}:${r.outcome}`)).toEqual(['A/a.json:failed', 'A/z.yaml:skipped', 'B/b.yaml:created']);
    expect(transferRows(report)[0].reason).toContain('line 1');
  });

  it('keeps group and data id apart in a selection key, whatever they contain', () => {
    const c = { group: 'DEFAULT_GROUP', dataId: 'a:b.c' };
    expect(fromSelectionKey(selectionKey(c))).toEqual(c);
  });

  it('names protocols for operators', () => {
    expect(protocolLabel('nacos-udp')).toContain('UDP');
    expect(protocolLabel('other')).toBe('other');
  });
});

describe('Api transfers', () => {
  const session = { username: 'admin', admin: true, csrfToken: 'tok-9', idleTimeoutSeconds: 1800, expiresAt: '2030-01-01T00:00:00Z' };

  it('uploads an import as the raw zip with the antiforgery token and the policy', async () => {
    const sent: Array<{ url: string; init: RequestInit }> = [];
    const answers = [session, report];
    const api = new Api('http://h/meridian/', async (url, init) => {
      sent.push({ url, init: init ?? {} });
      return new Response(JSON.stringify(answers.shift()), { status: 200 });
    });
    await api.login('admin', 'pw-12345678');
    const zip = new Blob([new Uint8Array([0x50, 0x4b, 3, 4])]);
    const answer = await api.importConfigs('dev', zip, 'skip');
    const headers = sent[1].init.headers as Record<string, string>;
    expect(sent[1].url).toBe('http://h/meridian/v1/namespaces/dev/configs/import?policy=skip');
    expect(headers['Content-Type']).toBe('application/zip');
    expect(headers['X-Meridian-Csrf']).toBe('tok-9');
    expect(sent[1].init.body).toBe(zip);
    expect(answer.failed).toHaveLength(1);
  });

  it('builds the export link under the base path with the narrowing given', () => {
    const api = new Api('http://h/meridian/');
    expect(api.exportUrl('dev')).toBe('http://h/meridian/v1/namespaces/dev/configs/export');
    expect(api.exportUrl('d v', { group: 'G', dataId: 'app-*' })).toBe('http://h/meridian/v1/namespaces/d%20v/configs/export?group=G&dataId=app-*');
  });

  it('sends a clone with its target, policy and configs as JSON', async () => {
    const sent: Array<{ url: string; init: RequestInit }> = [];
    const api = new Api('http://h/', async (url, init) => { sent.push({ url, init: init ?? {} }); return new Response(JSON.stringify(report), { status: 200 }); });
    await api.cloneConfigs('dev', 'staging', 'abort', [{ group: 'A', dataId: 'a.yaml' }]);
    expect(sent[0].url).toBe('http://h/v1/namespaces/dev/configs/clone');
    expect((sent[0].init.headers as Record<string, string>)['Content-Type']).toBe('application/json');
    expect(JSON.parse(String(sent[0].init.body))).toEqual({ targetNamespace: 'staging', policy: 'abort', configs: [{ group: 'A', dataId: 'a.yaml' }] });
  });
});
