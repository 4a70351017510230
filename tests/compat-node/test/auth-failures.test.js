'use strict';

// The real npm clients against a Meridian that requires credentials, when they send none, a wrong password, or
// credentials without the permission: each call fails with the server's 401 (or 403), which the client reports as
// an error; nothing is registered or stored, and nothing waits for an answer that will not come. Each test's clients
// talk through a recording proxy of its own, so the test can check every status the server answered them.
// Wrong passwords are tried against users of their own: password checks are limited per user and address.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startMeridian, createUser, createAccessKey } = require('../lib/meridian');
const { startRecorder } = require('../lib/recorder');
const { namingClient } = require('../lib/nacos-naming');
const { configClients } = require('../lib/nacos-config');
const { eurekaClient, call } = require('../lib/eureka');
const { within, eventLog } = require('../lib/wait');
const { json, request } = require('../lib/http');

let server;
const proxies = [];
const configSets = [];

// Password checks allowed per user and address a minute (the server's default, stated here because tests count them).
const LOGIN_LIMIT = 10;

before(async () => {
  server = await startMeridian([`--Meridian:Auth:LoginAttemptsPerMinute=${LOGIN_LIMIT}`]);
});

after(async () => {
  for (const set of configSets) {
    set.close();
  }
  for (const proxy of proxies) {
    await proxy.close();
  }
  await server?.stop();
});

/** A recording proxy in front of the server, for one test's clients. */
async function recorder() {
  const proxy = await startRecorder(server);
  proxies.push(proxy);
  return proxy;
}

const NO_CREDENTIALS = /"status":401.*Send 'Authorization: Bearer/;
const WRONG_PASSWORD = /"status":401.*The username or password is wrong/;

const statuses = (requests) => [...new Set(requests.map((r) => r.status))].sort();
const calls = (requests) => requests.map((r) => `${r.method} ${r.path} ${r.status}`);
const describe = (requests) => requests.map((r) => `${r.method} ${r.path} -> ${r.status} ${r.body}`).join('\n');

/**
 * A NacosNamingClient reports a failed list (for a lookup or a subscription) as an 'error' of its host reactor, which
 * it does not re-emit itself.
 */
const listErrors = (client) => eventLog(client._hostReactor, 'error');

async function instancesOf(namespace, service) {
  const res = await json('GET', `${server.url}/v1/namespaces/${namespace}/groups/DEFAULT_GROUP/services/${service}/instances`);
  return res.status === 404 ? [] : res.json.instances;
}

test('the server answers a Nacos, Eureka or native call without credentials with 401 problem JSON', async () => {
  const refused = [
    ['GET', '/nacos/v1/ns/instance/list?serviceName=anything', 'Bearer'],
    ['GET', '/nacos/v1/cs/configs?dataId=anything&group=DEFAULT_GROUP', 'Bearer'],
    ['GET', '/eureka/apps/', 'Basic'],
    ['GET', '/v1/namespaces', 'Bearer'],
  ];
  for (const [method, path, scheme] of refused) {
    const res = await request(method, `${server.url}${path}`, { auth: false });
    assert.equal(res.status, 401, `${method} ${path}: ${res.body}`);
    assert.match(res.headers['content-type'], /^application\/problem\+json/, `${method} ${path}`);
    assert.equal(JSON.parse(res.body).status, 401);
    assert.match(res.headers['www-authenticate'], new RegExp(`^${scheme} `), `${method} ${path}`);
  }
});

test('NacosNamingClient without credentials: registerInstance rejects with the 401 and nothing is registered', async () => {
  const proxy = await recorder();
  const client = namingClient(proxy, { credentials: null });
  try {
    await client.ready();
    const requests = await proxy.during(() => assert.rejects(
      within(client.registerInstance('nocreds', { ip: '127.0.0.1', port: 9401 }), 10_000, 'registerInstance'),
      /failed to req API: \/nacos\/v1\/ns\/instance/));
    assert.deepEqual(calls(requests), ['POST /nacos/v1/ns/instance 401'], describe(requests));
    assert.match(requests[0].body, NO_CREDENTIALS);
    // The client's own report names the status (its rejection only says the call failed on every server).
    await within(client.logger.lineMatching(/NacosException.*\/nacos\/v1\/ns\/instance\. code: 401/), 1_000, 'the client to log the 401');
    assert.deepEqual(await instancesOf('public', 'nocreds'), []);
    assert.equal(await client.getServerStatus(), 'DOWN', 'the metrics call is refused too');
  } finally {
    await client.close();
  }
});

test('NacosNamingClient without credentials: subscribe reports the 401 as an error instead of a list', async () => {
  const proxy = await recorder();
  const client = namingClient(proxy, { credentials: null });
  try {
    await client.ready();
    const errors = listErrors(client);
    const lists = [];
    client.subscribe('nocreds-watched', (hosts) => lists.push(hosts));
    const err = await within(errors.next(), 10_000, 'the subscription to report an error');
    assert.match(err.message, /failed to update serviceName: DEFAULT_GROUP@@nocreds-watched/);
    await within(client.logger.lineMatching(/\/nacos\/v1\/ns\/instance\/list\. code: 401/), 1_000, 'the client to log the 401');
    assert.deepEqual(statuses(proxy.requests), [401], describe(proxy.requests));
    assert.deepEqual(lists, [], 'no list was delivered');
    assert.deepEqual(await client.getAllInstances('nocreds-watched'), [], 'a lookup finds nothing');
  } finally {
    await client.close();
  }
});

test('NacosNamingClient with a wrong password: register and subscribe fail with 401; the right password registers', async () => {
  await createUser(server, 'naming-app', 'naming-app-password', [
    { namespace: 'public', group: '*', kind: 'service', name: '*', actions: ['read', 'write'] },
  ]);
  const proxy = await recorder();
  const client = namingClient(proxy, { credentials: { username: 'naming-app', password: 'not-the-password' } });
  try {
    await client.ready();
    await assert.rejects(within(client.registerInstance('wrongpw', { ip: '127.0.0.1', port: 9402 }), 10_000, 'registerInstance'),
      /failed to req API: \/nacos\/v1\/ns\/instance/);
    const errors = listErrors(client);
    const lists = [];
    client.subscribe('wrongpw', (hosts) => lists.push(hosts));
    await within(errors.next(), 10_000, 'the subscription to report an error');
    assert.deepEqual(lists, [], 'no list was delivered');
  } finally {
    await client.close();
  }
  const [registration, ...rest] = proxy.requests;
  assert.equal(`${registration.method} ${registration.path} ${registration.status}`, 'POST /nacos/v1/ns/instance 401');
  assert.ok(rest.some((r) => r.path === '/nacos/v1/ns/instance/list'), describe(proxy.requests));
  assert.deepEqual(statuses(proxy.requests), [401], describe(proxy.requests));
  assert.ok(proxy.requests.every((r) => WRONG_PASSWORD.test(r.body)), describe(proxy.requests));
  assert.deepEqual(await instancesOf('public', 'wrongpw'), []);

  const right = namingClient(server, { credentials: { username: 'naming-app', password: 'naming-app-password' } });
  try {
    await right.ready();
    await right.registerInstance('wrongpw', { ip: '127.0.0.1', port: 9402 });
    assert.deepEqual((await instancesOf('public', 'wrongpw')).map((i) => i.port), [9402]);
    await right.deregisterInstance('wrongpw', { ip: '127.0.0.1', port: 9402 });
  } finally {
    await right.close();
  }
});

test('NacosNamingClient of a user who may only read services: registration is refused with 403, lookups work', async () => {
  await createUser(server, 'naming-reader', 'naming-reader-password', [
    { namespace: 'public', group: '*', kind: 'service', name: '*', actions: ['read'] },
  ]);
  const proxy = await recorder();
  const admin = namingClient(server);
  const reader = namingClient(proxy, { credentials: { username: 'naming-reader', password: 'naming-reader-password' } });
  try {
    await admin.ready();
    await reader.ready();
    await admin.registerInstance('readonly', { ip: '127.0.0.1', port: 9403 });
    const requests = await proxy.during(() => assert.rejects(
      within(reader.registerInstance('readonly', { ip: '127.0.0.1', port: 9404 }), 10_000, 'registerInstance'),
      /failed to req API: \/nacos\/v1\/ns\/instance/));
    assert.deepEqual(calls(requests), ['POST /nacos/v1/ns/instance 403'], describe(requests));
    assert.deepEqual((await instancesOf('public', 'readonly')).map((i) => i.port), [9403]);
    assert.deepEqual((await reader.getAllInstances('readonly', 'DEFAULT_GROUP', '', false)).map((h) => h.port), [9403]);
  } finally {
    await reader.close();
    await admin.close();
  }
});

/**
 * A NacosConfigClient with these credentials through the proxy, and a log of its 'error' events (where it reports
 * failed reads for a subscription and failed long-polls). A refused call is retried at once until requestTimeout.
 */
async function configClient(proxy, namespace, credentials, requestTimeout = 2000) {
  const set = await configClients(proxy, namespace, { credentials, requestTimeout });
  configSets.push(set);
  const client = await set.create();
  return { client, errors: eventLog(client, 'error') };
}

test('NacosConfigClient without credentials: publish and get reject with 401 within the request timeout, nothing is stored', async () => {
  const proxy = await recorder();
  const { client } = await configClient(proxy, 'nocreds', null);
  // The client retries a refused call at once until its request timeout (2 s here), then rejects with the last answer.
  await assert.rejects(within(client.publishSingle('app.properties', 'DEFAULT_GROUP', 'a=1\n'), 5_000, 'publishSingle'),
    (err) => err.name === 'NacosServerResponseError' && /Server Error Status: 401/.test(err.message) && NO_CREDENTIALS.test(err.body));
  await assert.rejects(within(client.getConfig('app.properties', 'DEFAULT_GROUP'), 5_000, 'getConfig'),
    (err) => err.name === 'NacosServerResponseError' && /Server Error Status: 401/.test(err.message));
  assert.deepEqual(statuses(proxy.requests), [401], describe(proxy.requests.slice(0, 5)));
  const stored = await request('GET', `${server.url}/nacos/v1/cs/configs?dataId=app.properties&group=DEFAULT_GROUP&tenant=nocreds`);
  assert.equal(stored.status, 404);
});

test('NacosConfigClient with a wrong password: publish rejects within its request timeout, answered 401 (429 past the login limit)', async () => {
  await createUser(server, 'config-app', 'config-app-password', [
    { namespace: 'wrongpw', group: '*', kind: 'config', name: '*', actions: ['read', 'write'] },
  ]);
  const proxy = await recorder();
  const { client } = await configClient(proxy, 'wrongpw', { username: 'config-app', password: 'not-the-password' });
  await assert.rejects(within(client.publishSingle('app.properties', 'DEFAULT_GROUP', 'a=1\n'), 5_000, 'publishSingle'),
    (err) => err.name === 'NacosServerResponseError' && /Server Error Status: (401|429)/.test(err.message));
  const { requests } = proxy;
  assert.equal(`${requests[0].method} ${requests[0].path} ${requests[0].status}`, 'POST /nacos/v1/cs/configs 401');
  // The client retries at once until its request timeout; past the login limit (LOGIN_LIMIT checks a minute per
  // user and address) every answer is 429.
  const wrong = requests.filter((r) => r.status === 401);
  assert.ok(wrong.length <= LOGIN_LIMIT && wrong.every((r) => WRONG_PASSWORD.test(r.body)), describe(wrong));
  assert.ok(requests.every((r, i) => (i < wrong.length ? r.status === 401 : r.status === 429)), describe(requests.slice(0, LOGIN_LIMIT + 2)));
  const stored = await request('GET', `${server.url}/nacos/v1/cs/configs?dataId=app.properties&group=DEFAULT_GROUP&tenant=wrongpw`);
  assert.equal(stored.status, 404);
});

test('eureka-js-client without credentials: start fails with the 401 from registration, nothing is registered', async () => {
  const proxy = await recorder();
  const client = eurekaClient(proxy, 'nocredsapp', 'nocredsapp-1', 7401, { credentials: null });
  await assert.rejects(within(call((cb) => client.start(cb)), 10_000, 'eureka-js-client to start'),
    /eureka registration FAILED: status: 401/);
  assert.deepEqual(calls(proxy.requests), ['POST /eureka/apps/nocredsapp 401'], describe(proxy.requests));
  assert.match(proxy.requests[0].body, NO_CREDENTIALS);

  const fetches = await proxy.during(() => assert.rejects(
    within(call((cb) => client.fetchRegistry(cb)), 10_000, 'a registry fetch'), /Unable to retrieve full registry/));
  assert.deepEqual(calls(fetches), ['GET /eureka/apps/ 401'], describe(fetches));
  assert.equal((await json('GET', `${server.url}/eureka/apps/NOCREDSAPP`)).status, 404);
});

test('eureka-js-client with a wrong password: start fails with 401; the right password registers', async () => {
  await createUser(server, 'eureka-app', 'eureka-app-password', [
    { namespace: 'public', group: '*', kind: 'service', name: '*', actions: ['read', 'write'] },
  ]);
  const proxy = await recorder();
  const client = eurekaClient(proxy, 'wrongpwapp', 'wrongpwapp-1', 7402, { credentials: { username: 'eureka-app', password: 'not-the-password' } });
  await assert.rejects(within(call((cb) => client.start(cb)), 10_000, 'eureka-js-client to start'),
    /eureka registration FAILED: status: 401/);
  assert.deepEqual(calls(proxy.requests), ['POST /eureka/apps/wrongpwapp 401'], describe(proxy.requests));
  assert.match(proxy.requests[0].body, WRONG_PASSWORD);
  assert.equal((await json('GET', `${server.url}/eureka/apps/WRONGPWAPP`)).status, 404);

  const right = eurekaClient(server, 'wrongpwapp', 'wrongpwapp-1', 7402, { credentials: { username: 'eureka-app', password: 'eureka-app-password' } });
  try {
    await within(call((cb) => right.start(cb)), 10_000, 'eureka-js-client with the right password to start');
    assert.equal((await json('GET', `${server.url}/eureka/apps/WRONGPWAPP/wrongpwapp-1`)).status, 200);
  } finally {
    await call((cb) => right.stop(cb)).catch(() => {});
  }
});

test('eureka-js-client retrying a wrong password is answered 429 with Retry-After past the login limit', async () => {
  await createUser(server, 'eureka-retry', 'eureka-retry-password', [
    { namespace: 'public', group: '*', kind: 'service', name: '*', actions: ['read', 'write'] },
  ]);
  const proxy = await recorder();
  const credentials = { username: 'eureka-retry', password: 'not-the-password' };
  for (let attempt = 1; attempt <= LOGIN_LIMIT; attempt++) {
    const client = eurekaClient(proxy, 'retryapp', 'retryapp-1', 7406, { credentials, fetchRegistry: false });
    await assert.rejects(within(call((cb) => client.start(cb)), 10_000, `start attempt ${attempt}`), /eureka registration FAILED: status: 401/);
  }
  const limited = eurekaClient(proxy, 'retryapp', 'retryapp-1', 7406, { credentials, fetchRegistry: false });
  await assert.rejects(within(call((cb) => limited.start(cb)), 10_000, 'the start past the limit'), /eureka registration FAILED: status: 429/);
  const last = proxy.requests.at(-1);
  assert.match(last.body, /Too many login attempts for 'eureka-retry'/);
  assert.match(last.headers['retry-after'] ?? '', /^\d+$/);
  assert.equal(proxy.requests.length, LOGIN_LIMIT + 1, describe(proxy.requests));
});

test('eureka-js-client with an access key the server does not know: start fails with 401', async () => {
  const proxy = await recorder();
  const client = eurekaClient(proxy, 'badkeyapp', 'badkeyapp-1', 7403, { credentials: { username: 'badkeyapp', password: 'mrd_not-a-key' } });
  await assert.rejects(within(call((cb) => client.start(cb)), 10_000, 'eureka-js-client to start'),
    /eureka registration FAILED: status: 401/);
  assert.deepEqual(calls(proxy.requests), ['POST /eureka/apps/badkeyapp 401'], describe(proxy.requests));
  assert.match(proxy.requests[0].body, /access key is not valid/);
});

test('eureka-js-client with an access key that may only read: registration is refused with 403, fetching works', async () => {
  const key = await createAccessKey(server, { name: 'eureka-reader', namespaces: ['public'], scopes: ['discovery:read'] });
  const credentials = { username: 'readerapp', password: key };
  const proxy = await recorder();
  const client = eurekaClient(proxy, 'readerapp', 'readerapp-1', 7404, { credentials });
  await assert.rejects(within(call((cb) => client.start(cb)), 10_000, 'eureka-js-client to start'),
    /eureka registration FAILED: status: 403/);
  assert.deepEqual(calls(proxy.requests), ['POST /eureka/apps/readerapp 403'], describe(proxy.requests));
  assert.equal((await json('GET', `${server.url}/eureka/apps/READERAPP`)).status, 404);

  const watcher = eurekaClient(proxy, 'readerapp', 'readerapp-2', 7405, { credentials, registerWithEureka: false });
  const fetches = await proxy.during(async () => {
    await within(call((cb) => watcher.start(cb)), 10_000, 'a fetch-only eureka-js-client to start');
    await within(call((cb) => watcher.fetchRegistry(cb)), 10_000, 'the registry fetch');
  });
  assert.ok(fetches.length >= 2 && fetches.every((r) => r.method === 'GET' && r.status === 200), describe(fetches));
  await call((cb) => watcher.stop(cb));
});

// Last: a refused long-poll is retried at once for its whole 40 s timeout, even after the client is closed
// (nacos-config's HttpAgent), so this client keeps calling until the file's server stops.
test('NacosConfigClient without credentials: subscribe reports the 401 as an error and never calls the listener', async () => {
  const proxy = await recorder();
  const { client, errors } = await configClient(proxy, 'nocreds-listen', null);
  const contents = [];
  client.subscribe({ dataId: 'watched.json', group: 'DEFAULT_GROUP' }, (content) => contents.push(content));
  const sync = await within(errors.next((e) => e.name === 'NacosSyncConfigError'), 10_000, 'the first read to report an error');
  assert.match(sync.message, /getConfig failed for dataId: watched\.json.*Server Error Status: 401/);

  // Then it long-polls for changes, which is refused too.
  const listener = (r) => r.path === '/nacos/v1/cs/configs/listener';
  await within(proxy.next(listener), 10_000, 'the client to long-poll');
  const polls = proxy.requests.filter(listener);
  assert.deepEqual(statuses(polls), [401], describe(polls.slice(0, 5)));
  assert.match(polls[0].body, NO_CREDENTIALS);
  assert.deepEqual(contents, [], 'the listener was never called');
});
