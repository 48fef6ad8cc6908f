import { buildTable, Ext } from './packages/token/src/crypto/point.ts';
import * as c from './packages/token/src/crypto/index.ts';
const m=crypto.getRandomValues(new Uint8Array(120));
const kp=c.generateKeyPair(); const s=c.sign(m,kp.secretKey);
const p=c.prepareKey(kp.publicKey,'noble')!; c.verifyPrepared(p,s,m);
const A=new Ext().setAffine(0x216936d3cd6e53fec0a4e231fdd6dc5c692cc7609525a7b2c9562d608f25d51an, 0x6666666666666666666666666666666666666666666666666666666666666658n);
for (let rep=0;rep<3;rep++) for (const w of [4,5,6,7,8]) { const t=performance.now(); buildTable(A,w); console.log(rep,'w',w,'build ms',(performance.now()-t).toFixed(1)); }
