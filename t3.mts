import * as c from './packages/token/src/crypto/index.ts';
import d from './packages/token/test/vectors/wycheproof-ed25519.json' with {type:'json'};
const hex=(s:string)=>Uint8Array.from(Buffer.from(s,'hex'));
let mism=0, n=0;
for (const g of (d as any).testGroups) for (const t of g.tests) { n++;
  const r=['noble','native'].map(b=>c.verifySignature(hex(t.sig),hex(t.msg),hex(g.publicKey.pk),{backend:b as any}));
  if (r[0]!==r[1] || r[0]!==(t.result==='valid')) { mism++; console.log(t.tcId,t.result,t.flags,t.comment,r, g.publicKey.pk); }
}
console.log(n,mism);
