/** `npm run keygen`: prints a new issuer keys file (see keys.ts) to stdout. Keep it secret. */
import { newKeysFile } from './keys.js';

process.stdout.write(newKeysFile());
