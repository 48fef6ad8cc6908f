/**
 * The book of receipt codes: signed, single-use codes fetched from the
 * reconcile server while online, spent one per checkout, offline or not.
 * (See examples/reconcile-server/src/receipt-codes.ts for why.)
 */
import { load, save } from './storage.js';

export interface ReceiptCode {
  /** The token id (32 hex digits): the receipt number. */
  readonly id: string;
  /** `TS1:` + base45: what the QR code carries. */
  readonly qr: string;
  readonly expiresAt: number;
}

/** Codes kept on hand; a day of offline trading at a small stall. */
const TARGET = 20;
/** Never hand out a code this close to expiry: it must still verify when the queue replays. */
const MARGIN_MS = 60 * 60_000;

export class ReceiptCodeBook {
  private codes: ReceiptCode[] = load<ReceiptCode[]>('codes', []);

  /** @param device this till's id: the audience of its codes and the terminal of its redemptions. */
  constructor(readonly device: string) {}

  get size(): number {
    return this.usable().length;
  }

  /**
   * Takes the next usable code and forgets it before returning, so a crash
   * afterwards wastes a code rather than using one twice.
   */
  take(now = Date.now()): ReceiptCode | undefined {
    this.codes = this.usable(now);
    const code = this.codes.shift();
    save('codes', this.codes);
    return code;
  }

  /** Fetches codes up to the target; resolves how many arrived (0 when offline). */
  async topUp(): Promise<number> {
    const count = TARGET - this.usable().length;
    if (count <= 0) return 0;
    let response: Response;
    try {
      response = await fetch('/receipt-codes', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ device: this.device, count }),
      });
    } catch {
      return 0;
    }
    if (!response.ok) throw new Error(`receipt codes: HTTP ${response.status}`);
    const { codes } = (await response.json()) as { codes: ReceiptCode[] };
    this.codes = [...this.usable(), ...codes];
    save('codes', this.codes);
    return codes.length;
  }

  private usable(now = Date.now()): ReceiptCode[] {
    return this.codes.filter((c) => c.expiresAt - MARGIN_MS > now);
  }
}
