// Stock tus server on loopback for the interop test: prints "PORT <n>" once listening.
// Usage: node server.mjs STORE_DIR
import http from 'node:http';
import { Server } from '@tus/server';
import { FileStore } from '@tus/file-store';

const tus = new Server({ path: '/uploads', datastore: new FileStore({ directory: process.argv[2] }) });
const server = http.createServer((req, res) => tus.handle(req, res));
server.listen(0, '127.0.0.1', () => console.log(`PORT ${server.address().port}`));
process.stdin.on('end', () => server.close(() => process.exit(0)));
process.stdin.resume();
