import { encodeHlc } from '@tallystick/core';

let counter = 0;

/** A UUIDv7-shaped id from a number, so generated sets are reproducible and ids sort by number. */
export function idOf(n: number): string {
  return `01900000-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;
}

export function freshId(): string {
  counter++;
  return idOf(0x100000000 + counter);
}

export interface RawIntent {
  id: string;
  type: string;
  device: string;
  hlc: string;
  createdAt: number;
  payload: unknown;
}

/** Builds an envelope stamped (wall, counter) by `device`. */
export function intent(
  type: string,
  device: string,
  wall: number,
  payload: unknown,
  options: { id?: string; counter?: number } = {},
): RawIntent {
  return {
    id: options.id ?? freshId(),
    type,
    device,
    hlc: encodeHlc({ wall, counter: options.counter ?? 0, node: device }),
    createdAt: wall,
    payload,
  };
}

export const eur = (amount: number) => ({ amount, currency: 'EUR' });
