'use strict';

// The Nacos 2.x config client (nacos-sdk-rust 0.8 through npm nacos-sdk-rust-binding-node) against a real Meridian over
// the Nacos gRPC protocol: publish, get, remove, and a listener that hears of a change by push within 1 s.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { startForNacos2, configClient } = require('../lib/nacos2');
const { within } = require('../lib/wait');
const { json, form, request } = require('../lib/http');

let server;
let client;

before(async () => {
  server = await startForNacos2();
  client = configClient(server);
});

after(async () => {
  await server?.stop();
});

const md5 = (text) => crypto.createHash('md5').update(text, 'utf8').digest('hex');

test('publishConfig stores the config, getConfigResp reads it back with its MD5, removeConfig deletes it', async () => {
  assert.equal(await client.publishConfig('rs-app.properties', 'DEFAULT_GROUP', 'greeting=hello\n'), true);

  const stored = await request('GET', `${server.url}/nacos/v1/cs/configs?dataId=rs-app.properties&group=DEFAULT_GROUP`);
  assert.equal(stored.status, 200, stored.body);
  assert.equal(stored.body, 'greeting=hello\n');

  const resp = await client.getConfigResp('rs-app.properties', 'DEFAULT_GROUP');
  assert.equal(resp.content, 'greeting=hello\n');
  assert.equal(resp.md5, md5('greeting=hello\n'));
  assert.equal(await client.getConfig('rs-app.properties', 'DEFAULT_GROUP'), 'greeting=hello\n');

  assert.equal(await client.removeConfig('rs-app.properties', 'DEFAULT_GROUP'), true);
  const gone = await request('GET', `${server.url}/nacos/v1/cs/configs?dataId=rs-app.properties&group=DEFAULT_GROUP`);
  assert.equal(gone.status, 404, gone.body);
  await assert.rejects(client.getConfig('rs-app.properties', 'DEFAULT_GROUP'), /not found|not exist/i);
});

test('a listener hears of a change published elsewhere within 1 s, with the new content', async () => {
  await client.publishConfig('rs-watched.yaml', 'DEFAULT_GROUP', 'level: 1\n');
  const seen = [];
  const waiting = [];
  await client.addListener('rs-watched.yaml', 'DEFAULT_GROUP', (err, resp) => {
    if (err) {
      return;
    }
    seen.push(resp);
    for (const w of waiting.filter((x) => x.predicate(resp))) {
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve(resp);
    }
  });
  const next = (predicate) => (seen.find(predicate) ? Promise.resolve(seen.find(predicate)) : new Promise((resolve) => waiting.push({ predicate, resolve })));

  // Published by another door (the Nacos v1 HTTP API), so only the server's push can tell this client.
  const started = Date.now();
  const res = await form('POST', `${server.url}/nacos/v1/cs/configs`, { dataId: 'rs-watched.yaml', group: 'DEFAULT_GROUP', content: 'level: 2\n', type: 'yaml' });
  assert.equal(res.status, 200, res.body);
  const changed = await within(next((r) => r.content === 'level: 2\n'), 1_000, 'the listener to hear of the change');
  assert.equal(changed.md5, md5('level: 2\n'));
  assert.equal(changed.dataId, 'rs-watched.yaml');
  console.log(`# config push latency ${Date.now() - started} ms`);
});

test('a config in a group other than DEFAULT_GROUP is its own config', async () => {
  await client.publishConfig('rs-shared', 'TEAM_A', 'a');
  await client.publishConfig('rs-shared', 'TEAM_B', 'b');
  assert.equal(await client.getConfig('rs-shared', 'TEAM_A'), 'a');
  assert.equal(await client.getConfig('rs-shared', 'TEAM_B'), 'b');
});
