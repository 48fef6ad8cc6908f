import * as c from './packages/token/src/crypto/index.ts';
const m=crypto.getRandomValues(new Uint8Array(120));
const keys=Array.from({length:4},()=>{const kp=c.generateKeyPair(); return {pk:kp.publicKey, s:c.sign(m,kp.secretKey)};});
const out=[];
for (const k of keys){ const t=performance.now(); const p=c.prepareKey(k.pk,'noble')!; const ok=c.verifyPrepared(p,k.s,m); out.push((performance.now()-t).toFixed(1)+(ok?'':'!'));}
console.log(process.env.W, out.join(' '));
