/**
 * The one place the doc checks learn what a valid intent payload is: the
 * schemas the reconciler applies on the server. When the schemas move (to a
 * protocol module in @tallystick/core), only this file changes.
 */
import { type IntentType, intentPayloadSchemas, parseIntent } from '@tallystick/reconcile';
import type { z } from 'zod';

/** What each intent type's payload may look like as written (before defaults apply). */
export type DocIntentPayloads = { [K in IntentType]: z.input<(typeof intentPayloadSchemas)[K]> };

/** The intent types the server knows. */
export const intentTypes: readonly string[] = Object.keys(intentPayloadSchemas);

/**
 * Why the server would refuse this payload for this type, or undefined when it
 * would take it.
 */
export function payloadProblem(type: string, payload: unknown): string | undefined {
  if (!Object.hasOwn(intentPayloadSchemas, type)) return `unknown intent type "${type}"`;
  const parsed = intentPayloadSchemas[type as IntentType].safeParse(payload);
  if (parsed.success) return undefined;
  return parsed.error.issues
    .map((issue) => `payload.${issue.path.map(String).join('.')}: ${issue.message}`)
    .join('; ');
}

/** Why the server would refuse this whole envelope, or undefined when it would take it. */
export function envelopeProblem(raw: unknown): string | undefined {
  const parsed = parseIntent(raw);
  return parsed.ok ? undefined : `${parsed.code}: ${parsed.reason}`;
}
