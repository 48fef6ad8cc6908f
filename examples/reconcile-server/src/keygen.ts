/** `npm run keygen`: prints a new issuer key file (the format of `tallystick keygen`) to stdout. Keep it secret. */
import { newIssuerKeyFile } from './keys.js';

process.stdout.write(newIssuerKeyFile());
