/**
 * Two offline hours at the market, as a timeline of customers: cider sales
 * arriving at random, vouchers shown at the stalls (some of them on purpose
 * the wrong way), a till killed in the middle of a rush, and a pie rush that
 * runs one stall past its quota.
 */

import type { ManualClock } from '@tallystick/core';
import { createPresentation, decodeToken } from '@tallystick/token';
import type { CrashReport } from './crash.js';
import { arrivals, type Market, PRODUCTS, WINDOW_MS } from './market.js';
import type { Terminal } from './terminal.js';

export interface VoucherAttempt {
  minute: number;
  stall: string;
  label: string;
  story: string;
  outcome: string;
}

export interface DayResult {
  attempts: VoucherAttempt[];
  turnedAway: Record<string, number>;
  pastQuota: Record<string, number>;
  crash: CrashReport;
  crashedStall: string;
  redeemedValue: number;
}

interface Options {
  market: Market;
  terminals: Terminal[];
  clock: ManualClock;
  crash: (terminal: Terminal, at: number, sales: number) => Promise<CrashReport>;
  say: (text: string) => void;
}

type Event = { at: number; run: () => Promise<void> };

export async function runDay({ market, terminals, clock, crash, say }: Options): Promise<DayResult> {
  const open = clock.now();
  const [a, b, c] = terminals as [Terminal, Terminal, Terminal];
  const cider = PRODUCTS[0];
  const pie = PRODUCTS[1];
  const result: DayResult = {
    attempts: [],
    turnedAway: {},
    pastQuota: {},
    crash: undefined!,
    crashedStall: b.id,
    redeemedValue: 0,
  };
  const events: Event[] = [];
  const at = (minute: number, run: () => Promise<void>) => events.push({ at: open + minute * 60_000, run });

  terminals.forEach((terminal, i) => {
    for (const t of arrivals(cider.ratesPerHour[i]!, WINDOW_MS)) {
      events.push({
        at: open + t,
        run: async () => {
          if ((await terminal.sell(cider.sku, cider.price)) === 'quota') {
            result.turnedAway[terminal.id] = (result.turnedAway[terminal.id] ?? 0) + 1;
          }
        },
      });
    }
  });

  const v = market.vouchers;
  const show = (
    minute: number,
    terminal: Terminal,
    key: keyof typeof v,
    story: string,
    text?: () => string,
  ) =>
    at(minute, async () => {
      const voucher = v[key];
      const outcome = await terminal.redeem(text ? text() : voucher.text, clock.now());
      if (outcome.ok) result.redeemedValue += amountOf(voucher.text);
      const attempt = {
        minute,
        stall: terminal.id,
        label: voucher.label,
        story,
        outcome: outcome.ok ? 'accepted' : `refused: ${outcome.code}`,
      };
      result.attempts.push(attempt);
      say(
        `   - ${clockTime(clock.now())} ${attempt.stall}: ${attempt.label}, ${attempt.story} → ${attempt.outcome}`,
      );
    });
  show(10, a, 'gift1', 'redeemed');
  show(25, b, 'gift1', 'the same voucher again, at another stall (double spend)');
  show(40, c, 'gift2', 'redeemed');
  show(50, a, 'earlyBird', 'shown after its 30 minutes');
  show(55, c, 'gift3', 'a copy with one character changed', () => tamper(v.gift3.text));
  show(62, b, 'pickupB', 'redeemed at its own stall');
  show(64, a, 'pickupB2', 'shown at the wrong stall');
  let aliceScreenshot = '';
  show(70, a, 'alicePass', 'shown from her phone (live presentation)', () => {
    aliceScreenshot = createPresentation(v.alicePass.text, {
      secretKey: v.alicePass.holder!.secretKey,
      now: clock.now(),
    }).qr;
    return aliceScreenshot;
  });
  show(76, c, 'alicePass', "a screenshot of Alice's screen, six minutes later", () => aliceScreenshot);
  show(80, c, 'bobPass', 'printed on paper, without his phone', () => v.bobPass.text);
  show(90, b, 'gift3', 'redeemed');

  at(60, async () => {
    const remaining = Math.max(0, (b.quotas[cider.sku] ?? 0) - (b.sold[cider.sku] ?? 0));
    const sales = Math.min(24, remaining);
    result.crash = await crash(b, clock.now(), sales);
    say(
      `   - ${clockTime(clock.now())} ${b.id}'s till process was killed (SIGKILL) during a rush of ${sales} sales and restarted:`,
    );
    say(
      `     ${result.crash.acked} sales were confirmed before the kill; after restart ${result.crash.ackedPresentOnce} of them are in the queue exactly once, ${result.crash.lost} lost, ${result.crash.duplicated} duplicated (${result.crash.unackedButDurable} more reached the disk unconfirmed and are kept)`,
    );
  });

  at(110, async () => {
    for (const terminal of terminals) {
      while ((await terminal.sell(pie.sku, pie.price)) === 'sold') {}
    }
    for (let i = 0; i < 2; i++) await a.sell(pie.sku, pie.price, { override: true });
    result.pastQuota[a.id] = 2;
    say(
      `   - ${clockTime(clock.now())} pie rush: every stall sells its pie quota; ${a.id} sells 2 more on a manager override`,
    );
  });

  events.sort((x, y) => x.at - y.at);
  for (const event of events) {
    if (event.at > clock.now()) clock.advance(event.at - clock.now());
    await event.run();
  }
  clock.advance(open + WINDOW_MS - clock.now());

  say(`   - ${clockTime(clock.now())} end of the offline window:`);
  for (const t of terminals) {
    say(
      `     ${t.id} sold ${t.sold[cider.sku] ?? 0} of its ${t.quotas[cider.sku]} cider quota; turned away ${result.turnedAway[t.id] ?? 0} at the quota; queue holds ${await t.queue.size()} intents`,
    );
  }
  return result;
}

function clockTime(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16);
}

function amountOf(text: string): number {
  const decoded = decodeToken(text);
  return decoded.ok ? (decoded.token.amount?.amount ?? 0) : 0;
}

/** Changes one character in the middle of the signed part, staying inside the base45 alphabet. */
function tamper(text: string): string {
  const i = Math.floor(text.length / 2);
  return text.slice(0, i) + (text[i] === '0' ? '1' : '0') + text.slice(i + 1);
}
