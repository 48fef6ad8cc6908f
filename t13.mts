import * as c from './packages/token/src/crypto/index.ts';
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
ed.hashes.sha512 = sha512;
const m=crypto.getRandomValues(new Uint8Array(120));
const devs=Array.from({length:64},()=>{const kp=c.generateKeyPair(); return {pk:kp.publicKey, s:c.sign(m,kp.secretKey)};});
const kp=c.generateKeyPair(); const s=c.sign(m,kp.secretKey); const k=c.prepareKey(kp.publicKey,'noble')!;
for(let i=0;i<300;i++) c.verifyPrepared(k,s,m);
function bench(name:string, fn:(i:number)=>unknown, n:number){ const t=performance.now(); for(let i=0;i<n;i++) fn(i); return n/(performance.now()-t)*1000; }
for (let r=0;r<4;r++){
 const a=bench('noble',()=>ed.verify(s,m,kp.publicKey),100);
 const b=bench('oneshot',(i)=>c.verifySignature(devs[i%64]!.s,m,devs[i%64]!.pk,{backend:'noble'}),200);
 const d=bench('tabled',()=>c.verifyPrepared(k,s,m),600);
 console.log('noble',a.toFixed(0),'oneshot',b.toFixed(0),(b/a).toFixed(2)+'x','tabled',d.toFixed(0),(d/a).toFixed(2)+'x');
}
