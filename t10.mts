import * as c from './packages/token/src/crypto/index.ts';
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
ed.hashes.sha512 = sha512;
const m=()=>crypto.getRandomValues(new Uint8Array(120));
const kps=[c.generateKeyPair(),c.generateKeyPair()];
const keys=kps.map(k=>c.prepareKey(k.publicKey,'noble')!);
const N=256;
const items=Array.from({length:N},(_,i)=>{const j=i%2; const msg=m(); return {key:keys[j]!, signature:c.sign(msg,kps[j]!.secretKey), message:msg};});
console.log(c.verifyBatch(items).every(x=>x));
const bad=items.map(x=>({...x})); for (const i of [3,100,101,255]) { const s=bad[i]!.signature.slice(); s[40]^=4; bad[i]!.signature=s; }
const v=c.verifyBatch(bad); console.log(v.map((x,i)=>x?'':i).filter(x=>x!=='').join(','));
for (let r=0;r<2;r++){
let t=performance.now(); for(let i=0;i<10;i++) c.verifyBatch(items); console.log('batch/s', Math.round(N*10/(performance.now()-t)*1000));
t=performance.now(); for(let i=0;i<5;i++) c.verifyBatch(bad); console.log('batch with 4 bad /s', Math.round(N*5/(performance.now()-t)*1000));
t=performance.now(); for(let i=0;i<N;i++) c.verifyPrepared(items[i]!.key,items[i]!.signature,items[i]!.message); console.log('single/s', Math.round(N/(performance.now()-t)*1000));
t=performance.now(); for(let i=0;i<100;i++) ed.verify(items[i]!.signature,items[i]!.message,kps[i%2]!.publicKey); console.log('noble/s', Math.round(100/(performance.now()-t)*1000));
}
