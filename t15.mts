import { sha512 as ours } from './packages/token/src/crypto/sha512.ts';
import { sha512 } from '@noble/hashes/sha2.js';
const d = crypto.getRandomValues(new Uint8Array(184)); const out=new Uint8Array(64);
for (let r=0;r<4;r++){ let t=performance.now(); for(let i=0;i<20000;i++) sha512(d); const a=performance.now()-t; t=performance.now(); for(let i=0;i<20000;i++) ours(d,184,out); const b=performance.now()-t; console.log('noble us',(a/20).toFixed(2),'ours us',(b/20).toFixed(2)); }
