'use strict';

// A NacosConfigClient in a namespace Meridian has never heard of: Nacos 1.x clients never create namespaces, so the
// first publish creates it, and its configs stay out of the public namespace.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startMeridian } = require('../lib/meridian');
const { configClients } = require('../lib/nacos-config');
const { json, request } = require('../lib/http');
const { visibleWithin } = require('../lib/wait');

let server;
let clients;

before(async () => {
  server = await startMeridian();
  clients = await configClients(server, 'team-a');
});

after(async () => {
  clients?.close();
  await server?.stop();
});

test('NacosConfigClient in an unknown namespace creates it on first publish', async () => {
  const client = await clients.create();
  await client.publishSingle('app.yaml', 'DEFAULT_GROUP', 'server:\n  port: 8080\n', { type: 'yaml' });
  const yaml = 'server:\n  port: 8080\n';
  assert.equal(await visibleWithin(1000, () => client.getConfig('app.yaml', 'DEFAULT_GROUP'), (c) => c === yaml), yaml);

  const inPublic = await request('GET', `${server.url}/nacos/v1/cs/configs?dataId=app.yaml&group=DEFAULT_GROUP`);
  assert.equal(inPublic.status, 404);

  const namespaces = await visibleWithin(1000, () => json('GET', `${server.url}/nacos/v1/console/namespaces`),
    (r) => r.status === 200 && r.json.data.some((n) => n.namespace === 'team-a' && n.configCount === 1));
  const teamA = namespaces.json.data.find((n) => n.namespace === 'team-a');
  assert.ok(teamA, JSON.stringify(namespaces.json));
  assert.equal(teamA.configCount, 1);
  assert.equal(teamA.type, 2);
});
