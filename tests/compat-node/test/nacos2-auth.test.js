'use strict';

// Auth for Nacos 2.x clients: the client logs in over HTTP with its username and password and sends the accessToken
// in the headers of each gRPC request; the same permissions as every other door apply, and a client without valid
// credentials is refused.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { createUser } = require('../lib/meridian');
const { startForNacos2, namingClient, configClient } = require('../lib/nacos2');
const { json, form, request } = require('../lib/http');

let server;

before(async () => {
  server = await startForNacos2();
});

after(async () => {
  await server?.stop();
});

async function instanceCount(service) {
  const res = await json('GET', `${server.url}/v1/namespaces/public/groups/DEFAULT_GROUP/services/${service}/instances`);
  return res.status === 404 ? 0 : res.json.instances.length;
}

test('without credentials the client is refused and nothing is registered or published', async () => {
  const naming = namingClient(server, { credentials: null });
  await assert.rejects(naming.registerInstance('rs-anon', 'DEFAULT_GROUP', { ip: '127.0.0.1', port: 8101 }), /403|accessToken/);
  assert.equal(await instanceCount('rs-anon'), 0);
  await assert.rejects(naming.getAllInstances('rs-anon', 'DEFAULT_GROUP', [], false), /403|accessToken/);

  const config = configClient(server, { credentials: null });
  await assert.rejects(config.publishConfig('rs-anon.txt', 'DEFAULT_GROUP', 'x'), /403|accessToken/);
  const res = await request('GET', `${server.url}/nacos/v1/cs/configs?dataId=rs-anon.txt&group=DEFAULT_GROUP`);
  assert.equal(res.status, 404);
});

test('with a wrong password the login fails and every request is refused', async () => {
  const naming = namingClient(server, { credentials: { username: 'admin', password: 'not-the-password' } });
  await assert.rejects(naming.registerInstance('rs-wrongpw', 'DEFAULT_GROUP', { ip: '127.0.0.1', port: 8201 }), /403|accessToken/);
  assert.equal(await instanceCount('rs-wrongpw'), 0);
});

test('a user who may only read services can list them but not register', async () => {
  const admin = namingClient(server);
  await admin.registerInstance('rs-readable', 'DEFAULT_GROUP', { ip: '127.0.0.1', port: 8301 });
  const reader = await createUser(server, 'rs-reader', 'rs-reader-password', [
    { namespace: 'public', group: '*', kind: 'service', name: '*', actions: ['read'] },
  ]);
  const naming = namingClient(server, { credentials: reader });
  const hosts = await naming.getAllInstances('rs-readable', 'DEFAULT_GROUP', [], false);
  assert.deepEqual(hosts.map((h) => h.port), [8301]);
  await assert.rejects(naming.registerInstance('rs-readable', 'DEFAULT_GROUP', { ip: '127.0.0.1', port: 8302 }), /403.*may not change/s);
  assert.equal(await instanceCount('rs-readable'), 1);

  // Configs are not granted to this user at all.
  const config = configClient(server, { credentials: reader });
  await assert.rejects(config.publishConfig('rs-reader.txt', 'DEFAULT_GROUP', 'x'), /403/);
});

test('a user granted configs of one group writes there and nowhere else', async () => {
  const writer = await createUser(server, 'rs-writer', 'rs-writer-password', [
    { namespace: 'public', group: 'TEAM_A', kind: 'config', name: '*', actions: ['read', 'write'] },
  ]);
  const config = configClient(server, { credentials: writer });
  assert.equal(await config.publishConfig('rs-team.txt', 'TEAM_A', 'a'), true);
  assert.equal(await config.getConfig('rs-team.txt', 'TEAM_A'), 'a');
  await assert.rejects(config.publishConfig('rs-team.txt', 'TEAM_B', 'b'), /403/);
});

test('the Nacos 3.x login path answers an accessToken that the other doors accept', async () => {
  const res = await form('POST', `${server.url}/nacos/v3/auth/user/login`, { username: 'admin', password: server.admin.password }, { auth: false });
  assert.equal(res.status, 200, res.body);
  const { accessToken, tokenTtl } = JSON.parse(res.body);
  assert.ok(accessToken);
  assert.ok(tokenTtl > 0);
  const listed = await json('GET', `${server.url}/nacos/v1/ns/service/list?pageNo=1&pageSize=10&accessToken=${encodeURIComponent(accessToken)}`, { auth: false });
  assert.equal(listed.status, 200, listed.body);

  const refused = await form('POST', `${server.url}/nacos/v3/auth/user/login`, { username: 'admin', password: 'wrong' }, { auth: false });
  assert.ok(refused.status === 401 || refused.status === 403, `${refused.status} ${refused.body}`);
});
