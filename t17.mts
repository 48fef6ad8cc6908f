import * as c from './packages/token/src/crypto/index.ts';
import { createPublicKey, verify } from 'node:crypto';
const kp=c.generateKeyPair(); const m=crypto.getRandomValues(new Uint8Array(120)); const s=c.sign(m,kp.secretKey);
const k=c.prepareKey(kp.publicKey,'native')!;
const ko=createPublicKey({key:Buffer.concat([Buffer.from('302a300506032b6570032100','hex'),kp.publicKey]),format:'der',type:'spki'});
const mode=process.argv[2];
const t=performance.now(); let n=0;
for(let i=0;i<20000;i++){ if (mode==='ours' ? c.verifyPrepared(k,s,m) : verify(null,m,ko,s)) n++; }
console.log(mode, ((performance.now()-t)/20000*1000).toFixed(1),'us', n, process.memoryUsage().heapUsed>>20,'MB');
