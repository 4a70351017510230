'use strict';

// NacosConfigClient instances for one test process. The client elects a leader among the local processes on a TCP
// port (cluster-client), and clients of one process share the first one's settings, so each test file runs in its
// own process with its own port and uses one namespace.
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function configClients(server, namespace) {
  process.env.NODE_CLUSTER_CLIENT_PORT = String(await freePort());
  const { NacosConfigClient } = require('nacos');
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meridian-nacos-cache-'));
  const clients = [];
  return {
    async create() {
      const client = new NacosConfigClient({ serverAddr: `${server.host}:${server.port}`, namespace, cacheDir, requestTimeout: 6000 });
      await client.ready();
      clients.push(client);
      return client;
    },
    close() {
      for (const client of clients) {
        client.close();
      }
      fs.rmSync(cacheDir, { recursive: true, force: true });
    },
  };
}

module.exports = { configClients };
