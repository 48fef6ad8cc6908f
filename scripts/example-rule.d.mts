/** Whether a JSDoc `@example` text runs at least one call (see example-rule.mjs). */
export function exampleShowsCall(text: string): boolean;
