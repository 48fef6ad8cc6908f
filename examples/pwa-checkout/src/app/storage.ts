/**
 * Small things the app keeps in localStorage: its device id, its book of
 * receipt codes and its recent receipts. Sales themselves go to the
 * IndexedDB queue, which is durable and transactional; these are not money.
 */
import { encodeHex, type Money, randomBytes } from '@tallystick/core';

const PREFIX = 'tallystick.pwa.';

export function load<T>(name: string, fallback: T): T {
  const text = localStorage.getItem(PREFIX + name);
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export function save(name: string, value: unknown): void {
  localStorage.setItem(PREFIX + name, JSON.stringify(value));
}

/**
 * This install's id: the queue's device and HLC node, and the audience its
 * receipt codes are issued to. Random, made once, so two installs never share one.
 */
export function deviceId(): string {
  let id = load<string | undefined>('device', undefined);
  if (!id) {
    id = `pwa-${encodeHex(randomBytes(6))}`;
    save('device', id);
  }
  return id;
}

/** Money for display only; arithmetic stays in integer minor units. */
export function display(value: Money): string {
  const formatter = new Intl.NumberFormat('en', { style: 'currency', currency: value.currency });
  const digits = formatter.resolvedOptions().maximumFractionDigits ?? 2;
  return formatter.format(value.amount / 10 ** digits);
}
