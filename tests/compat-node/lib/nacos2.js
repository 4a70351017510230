'use strict';

// The Nacos 2.x client (nacos-sdk-rust through nacos-sdk-rust-binding-node) against the Meridian under test. The client
// reaches gRPC on its server address's port + 1000, as Nacos 2.x clients do, so the server here listens on a free
// port P for HTTP and P + 1000 for client connections.
const net = require('node:net');
const { NacosNamingClient, NacosConfigClient } = require('nacos-sdk-rust-binding-node');
const { startMeridian } = require('./meridian');

/** Resolves to a free port P whose P + 1000 is free as well. */
async function freePortPair() {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = await listenOn(0);
    const port = first.address().port;
    if (port + 1000 > 65535) {
      first.close();
      continue;
    }
    const second = await listenOn(port + 1000).catch(() => null);
    first.close();
    if (second) {
      second.close();
      return port;
    }
  }
  throw new Error('no free port pair (P, P + 1000) found on 127.0.0.1');
}

function listenOn(port) {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** Starts Meridian with its client-connection port at HTTP port + 1000; resolves to the server of lib/meridian. */
async function startForNacos2(extraArgs = [], port) {
  if (process.env.MERIDIAN_URL) {
    return startMeridian(extraArgs);
  }
  const http = port ?? await freePortPair();
  return startMeridian(['--urls', `http://127.0.0.1:${http}`, `--Meridian:Grpc:Port=${http + 1000}`, ...extraArgs]);
}

/** Client options for the server; credentials: { username, password }, the admin by default, null for none. */
function clientOptions(server, { credentials = server.admin, namespace = '', ...rest } = {}) {
  return { serverAddr: `${server.host}:${server.port}`, namespace, ...(credentials ?? {}), ...rest };
}

function namingClient(server, options) {
  return new NacosNamingClient(clientOptions(server, options));
}

function configClient(server, options) {
  return new NacosConfigClient(clientOptions(server, options));
}

module.exports = { freePortPair, startForNacos2, clientOptions, namingClient, configClient };
