// basic-ftp over explicit TLS (AUTH TLS, PROT P): COUNT uploads of an empty file, each from a fresh
// client, named empty-<n>.txt. basic-ftp's TLS data socket starts its handshake as soon as it
// connects after EPSV/PASV, then waits for 150 and for its handshake before it pipes the source
// into it; with nothing to send it ends at once, without close_notify.
// Prints "<n>: <code> <message>" per upload (the final reply, or the error's).
// Usage: node empty_uploads.js HOST PORT USER PASSWORD COUNT
"use strict";
const { Client } = require("basic-ftp");
const { Readable } = require("stream");

async function uploadOnce(host, port, user, password, n) {
    const client = new Client(20000);
    try {
        await client.access({ host, port, user, password, secure: true, secureOptions: { rejectUnauthorized: false } });
        const reply = await client.uploadFrom(Readable.from([]), `empty-${n}.txt`);
        return `${reply.code} ${reply.message.replace(/\s+/g, " ")}`;
    } catch (error) {
        return `${error.code ?? "error"} ${String(error.message).replace(/\s+/g, " ")}`;
    } finally {
        client.close();
    }
}

async function main() {
    const [host, port, user, password, count] = process.argv.slice(2);
    if (!count) {
        console.error("usage: node empty_uploads.js HOST PORT USER PASSWORD COUNT");
        process.exit(2);
    }

    for (let n = 1; n <= Number(count); n++) {
        console.log(`${n}: ${await uploadOnce(host, port, user, password, n)}`);
    }
}

main();
