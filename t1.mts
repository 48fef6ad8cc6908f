import * as c from './packages/token/src/crypto/index.ts';
import vec from './packages/token/test/vectors/ed25519-speccheck-cases.json' with {type:'json'};
const hex=(s:string)=>Uint8Array.from(Buffer.from(s,'hex'));
const kp=c.generateKeyPair(); const m=new TextEncoder().encode('hello'); const s=c.sign(m,kp.secretKey);
for (const b of ['noble','native'] as const){ const k=c.prepareKey(kp.publicKey,b)!; console.log(b, c.verifyPrepared(k,s,m), c.verifyPrepared(k,s,new Uint8Array(3)));}
vec.forEach((v:any,i:number)=>{ console.log(i, ['noble','native'].map(b=>c.verifySignature(hex(v.signature),hex(v.message),hex(v.pub_key),{backend:b as any})), c.prepareKey(hex(v.pub_key),'noble')?'key ok':'key rejected');});
