// container-credentials.mjs: a stand-in for the container credentials endpoint of ECS, CodeBuild and EKS Pod
// Identity (AWS_CONTAINER_CREDENTIALS_FULL_URI). GET /creds with "Authorization: <token>" answers what the
// endpoint answers: {"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}; another token gets 403.
//
//   node container-credentials.mjs --token TOKEN --credentials FILE [--expires-in SECONDS]
//
// FILE holds {"AccessKeyId", "SecretAccessKey", "Token"} and is read for every request (a test rotates it);
// Expiration is now + --expires-in (default 3600; under 300, a client must come back for every request).
// Listens on 127.0.0.1 on a free port and prints {"event":"listening","port":N}; counts requests on stderr.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { parseArgs } from 'node:util';

const { values: o } = parseArgs({
    options: { token: { type: 'string' }, credentials: { type: 'string' }, 'expires-in': { type: 'string', default: '3600' } },
});
if (!o.token || !o.credentials) {
    console.error('usage: node container-credentials.mjs --token TOKEN --credentials FILE [--expires-in SECONDS]');
    process.exit(2);
}
let served = 0;
const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/creds') {
        res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"message":"not found"}');
        return;
    }
    if (req.headers.authorization !== o.token) {
        res.writeHead(403, { 'Content-Type': 'application/json' }).end('{"message":"Authorization token is not valid"}');
        return;
    }
    const creds = JSON.parse(readFileSync(o.credentials, 'utf8'));
    const expiration = new Date(Date.now() + Number(o['expires-in']) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    console.error(JSON.stringify({ event: 'served', count: ++served, accessKeyId: creds.AccessKeyId }));
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ ...creds, Expiration: expiration }));
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ event: 'listening', port: server.address().port })));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
