// Realistic log lines for the corpus: access logs, jobs, queries, logins, file names from the
// outside world (some not UTF-8 at all), and a few long stack traces and payload dumps.
//
// Every line is a byte string: each character stands for one byte (written with 'latin1'), so
// valid UTF-8 is stored pre-encoded and invalid sequences are written as they are.
import {Random} from './random.js';

/** Pre-encodes text as UTF-8 bytes, one character per byte. */
function utf8(text: string): string {
	return Buffer.from(text, 'utf8').toString('latin1');
}

const users = ['alice', 'bob', 'carol', 'dave', 'svc-billing', 'svc-search', 'José', 'Zoë', 'Łukasz', 'Пётр', '東京', 'Søren', 'müller', 'ana-maría'].map(utf8);
const methods = ['GET', 'GET', 'GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH'];
const resources = ['users', 'orders', 'invoices', 'products', 'carts', 'sessions', 'search', 'reports'];
const subresources = ['items', 'history', 'avatar', 'payments', 'events', 'export'];
const statuses = [200, 200, 200, 200, 200, 200, 201, 204, 301, 304, 400, 401, 403, 404, 404, 409, 429, 500, 502, 503];
const agents = [
	'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
	'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
	'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
	'curl/8.8.0',
	'okhttp/4.12.0',
	'kube-probe/1.30',
	'python-requests/2.32.3',
];
const jobs = ['resize-image', 'send-email', 'charge-card', 'rebuild-index', 'export-csv', 'sync-crm', 'expire-sessions'];
const queues = ['default', 'mail', 'billing', 'low'];
const jobMessages = ['job started', 'job finished', 'retrying after error', 'lease extended', 'job cancelled by user'];
const queries = [
	'SELECT id, email, created_at FROM users WHERE id = $1',
	'SELECT * FROM orders WHERE user_id = $1 ORDER BY created_at DESC LIMIT 50',
	'UPDATE carts SET updated_at = now(), total = $2 WHERE id = $1',
	'INSERT INTO events (kind, payload, at) VALUES ($1, $2, $3)',
	'DELETE FROM sessions WHERE expires_at < now()',
];
const authActions = ['login', 'login', 'refresh', 'logout', 'password-reset'];
const storageOps = ['put', 'get', 'get', 'delete', 'head'];
/** File names as clients send them: mostly UTF-8, some Latin-1, some plain broken. */
const fileNames = ['report-2026-11.pdf', 'avatar.png', 'backup.tar.zst', utf8('résumé.pdf'), utf8('фото.jpg'), utf8('写真.heic')];
const brokenFileNames = [
	'caf\xe9.txt', // Latin-1 é
	'r\xe9sum\xe9.pdf',
	'data\xff\xfe.bin', // bytes that never occur in UTF-8
	'trunc\xe2\x82.log', // a three-byte sequence cut short
	'\xc0\xafetc-passwd', // an overlong encoding of '/'
	'x\x80y.csv', // a stray continuation byte
	'core\x00dump', // a NUL
];
const modules = ['server', 'router', 'handlers/orders', 'handlers/users', 'db/pool', 'lib/retry', 'node_modules/pg/lib/client'];
const functions = ['handle', 'dispatch', 'next', 'query', 'processTicksAndRejections', 'Layer.handleRequest', 'Client._handleReadyForQuery'];
const errors = [
	'TypeError: Cannot read properties of undefined (reading \'id\')',
	'Error: connect ECONNREFUSED 10.0.3.17:5432',
	'RangeError: Invalid time value',
	'Error: timeout of 5000ms exceeded',
];

export type Line = {
	/** The line as a byte string, newline included. */
	text: string;
	/** It holds bytes that are not valid UTF-8. */
	invalid: boolean;
};

export class LineMaker {
	private readonly random: Random;
	private clock = Date.UTC(2026, 10, 26, 0, 0, 0);

	constructor(seed: number) {
		this.random = new Random(seed);
	}

	next(): Line {
		const r = this.random;
		this.clock += r.below(4);
		const head = `${new Date(this.clock).toISOString()} ${this.level()}`;
		const kind = r.below(1000);
		let invalid = false;
		let body: string;
		if (kind < 500) {
			body = this.http();
		} else if (kind < 650) {
			body = `worker job=${r.pick(jobs)} id=${r.hex(12)} queue=${r.pick(queues)} attempt=${r.between(1, 5)} msg="${r.pick(jobMessages)}"`;
		} else if (kind < 800) {
			body = `db query="${r.pick(queries)}" rows=${r.below(200)} duration_ms=${this.duration()} conn=${r.below(32)}`;
		} else if (kind < 900) {
			body = `auth user=${r.pick(users)} action=${r.pick(authActions)} result=${r.chance(0.9) ? 'ok' : 'denied'} session=${r.hex(16)} ip=${this.ip()}`;
		} else if (kind < 980) {
			invalid = r.chance(0.05);
			const name = invalid ? r.pick(brokenFileNames) : r.pick(fileNames);
			body = `storage op=${r.pick(storageOps)} file=/var/lib/app/uploads/${r.hex(6)}/${name} size=${r.below(50_000_000)} user=${r.pick(users)}`;
		} else if (kind < 994) {
			body = this.stackTrace();
		} else {
			body = `http msg="request body" req_id=${r.hex(16)} body=${r.hex(r.between(400, 3900))} truncated=${r.chance(0.5)}`;
		}

		// A few clients end their lines the Windows way; the CR is data like any other byte.
		const end = r.chance(0.0005) ? '\r\n' : '\n';
		return {text: `${head} ${body}${end}`, invalid};
	}

	private level(): string {
		const roll = this.random.below(100);
		if (roll < 70) {
			return 'INFO ';
		}

		if (roll < 86) {
			return 'DEBUG';
		}

		return roll < 96 ? 'WARN ' : 'ERROR';
	}

	private http(): string {
		const r = this.random;
		let path = `/api/v${r.between(1, 3)}/${r.pick(resources)}/${r.below(1_000_000)}`;
		if (r.chance(0.4)) {
			path += `/${r.pick(subresources)}`;
		}

		if (r.chance(0.3)) {
			path += `?limit=${r.pick([20, 50, 100])}&cursor=${r.hex(12)}`;
		}

		return `http method=${r.pick(methods)} path=${path} status=${r.pick(statuses)} bytes=${r.below(200_000)} duration_ms=${this.duration()} req_id=${r.hex(16)} ip=${this.ip()} ua="${r.pick(agents)}"`;
	}

	/** One line of 1 to 4 KiB: an error with its stack frames escaped onto the line. */
	private stackTrace(): string {
		const r = this.random;
		const length = r.between(1024, 4000);
		let text = `api msg="unhandled error" req_id=${r.hex(16)} err="${r.pick(errors)}" stack="`;
		for (;;) {
			const frame = `\\n    at ${r.pick(functions)} (/srv/app/dist/${r.pick(modules)}.js:${r.between(1, 900)}:${r.between(1, 80)})`;
			if (text.length + frame.length + 1 > length) {
				break;
			}

			text += frame;
		}

		return `${text}"`;
	}

	private duration(): string {
		const r = this.random;
		return r.chance(0.95) ? (r.below(2000) / 10).toFixed(1) : String(r.between(200, 30_000));
	}

	private ip(): string {
		const r = this.random;
		return `10.${r.below(8)}.${r.below(256)}.${r.between(1, 254)}`;
	}
}
