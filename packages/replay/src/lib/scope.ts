/** Scopes (tenant or client ids) share the key's ceiling of 255 characters. */
export const MAX_SCOPE_LENGTH = 255;

// A scope is an application id, so anything printable goes except controls.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to reject control characters
const SCOPE_FORBIDDEN = /[\u0000-\u001f\u007f]/;

/** Returns why a scope is unusable, or undefined when it is fine. */
export function checkScope(scope: string): string | undefined {
  if (scope.length === 0) return 'must not be empty';
  if (scope.length > MAX_SCOPE_LENGTH) return `must be at most ${MAX_SCOPE_LENGTH} characters`;
  if (SCOPE_FORBIDDEN.test(scope)) return 'must not contain control characters';
  if (!scope.isWellFormed()) return 'must not contain lone surrogates';
  return undefined;
}
