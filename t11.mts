import * as c from './packages/token/src/crypto/index.ts';
const kp=c.generateKeyPair(); const m=crypto.getRandomValues(new Uint8Array(120)); const s=c.sign(m,kp.secretKey);
const k=c.prepareKey(kp.publicKey,'noble')!;
const items=Array.from({length:256},()=>{const msg=crypto.getRandomValues(new Uint8Array(120)); return {key:k, signature:c.sign(msg,kp.secretKey), message:msg};});
for(let i=0;i<3000;i++) c.verifyPrepared(k,s,m);
for(let i=0;i<20;i++) c.verifyBatch(items);
