// A small seeded generator, so that one size and seed always give the same corpus, byte for byte.

/** Marsaglia's xorshift128 over four 32-bit words; the seed is spread over them by an integer mix. */
export class Random {
	private x: number;
	private y: number;
	private z: number;
	private w: number;
	private scratch = Buffer.allocUnsafe(64);

	constructor(seed: number) {
		let state = seed >>> 0;
		const spread = () => {
			state = (state + 0x9e_37_79_b9) >>> 0;
			let value = Math.imul(state ^ (state >>> 16), 0x85_eb_ca_6b);
			value = Math.imul(value ^ (value >>> 13), 0xc2_b2_ae_35);
			// An all-zero state would stay zero forever.
			return ((value ^ (value >>> 16)) >>> 0) || 1;
		};

		this.x = spread();
		this.y = spread();
		this.z = spread();
		this.w = spread();
	}

	/** A whole number in [0, 2^32). */
	uint32(): number {
		const t = this.x ^ (this.x << 11);
		this.x = this.y;
		this.y = this.z;
		this.z = this.w;
		this.w = (this.w ^ (this.w >>> 19) ^ t ^ (t >>> 8)) >>> 0;
		return this.w;
	}

	/** A whole number in [0, n). */
	below(n: number): number {
		return this.uint32() % n;
	}

	/** A whole number in [low, high]. */
	between(low: number, high: number): number {
		return low + this.below(high - low + 1);
	}

	/** True with probability p. */
	chance(p: number): boolean {
		return this.uint32() < p * 2 ** 32;
	}

	pick<T>(items: readonly T[]): T {
		const item = items[this.below(items.length)];
		if (item === undefined) {
			throw new Error('pick from an empty list');
		}

		return item;
	}

	/** `digits` lowercase hexadecimal digits. */
	hex(digits: number): string {
		const bytes = Math.ceil(digits / 2);
		if (this.scratch.length < bytes + 4) {
			this.scratch = Buffer.allocUnsafe(bytes + 4);
		}

		for (let offset = 0; offset < bytes; offset += 4) {
			this.scratch.writeUInt32LE(this.uint32(), offset);
		}

		const text = this.scratch.toString('hex', 0, bytes);
		return digits % 2 === 0 ? text : text.slice(0, digits);
	}
}
