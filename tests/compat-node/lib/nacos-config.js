'use strict';

// NacosConfigClient instances for one test process. The client elects a leader among the local processes on a TCP
// port (cluster-client), and clients of one process that share a cluster name share the first one's settings (the
// leader's connection and credentials). So each test file runs in its own process with its own port, and each set of
// clients made here gets its own cluster name: clients of one set share one namespace and one set of credentials.
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

let sets = 0;

/**
 * A factory of NacosConfigClients for one namespace that send credentials: { username, password } (the server's
 * admin when omitted, none when null), as the client does, as username and password parameters on every call.
 */
async function configClients(server, namespace, { credentials = server.admin, requestTimeout = 6000 } = {}) {
  // cluster-client reads the port once, when it is first loaded.
  process.env.NODE_CLUSTER_CLIENT_PORT ??= String(await freePort());
  const { NacosConfigClient } = require('nacos');
  const clusterName = `meridian-compat-${++sets}`;
  class ConfigClient extends NacosConfigClient {
    get clusterOptions() {
      return { name: `DiamondClient@${clusterName}` };
    }
  }
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meridian-nacos-cache-'));
  const clients = [];
  return {
    async create() {
      const client = new ConfigClient({
        serverAddr: `${server.host}:${server.port}`, namespace, cacheDir, requestTimeout, ...(credentials ?? {}),
      });
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
