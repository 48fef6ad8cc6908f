import * as c from './packages/token/src/crypto/index.ts';
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
ed.hashes.sha512 = sha512;
const kp=c.generateKeyPair(); const k=c.prepareKey(kp.publicKey,'noble')!;
const items=Array.from({length:256},()=>{const msg=crypto.getRandomValues(new Uint8Array(120)); return {key:k, signature:c.sign(msg,kp.secretKey), message:msg};});
for(let i=0;i<600;i++) c.verifyPrepared(k,items[i%256]!.signature,items[i%256]!.message);
c.verifyBatch(items);
for (let r=0;r<5;r++){
 let t=performance.now(); for(let i=0;i<40;i++) ed.verify(items[i]!.signature,items[i]!.message,kp.publicKey); const n=40/(performance.now()-t)*1000;
 t=performance.now(); for(let i=0;i<512;i++) c.verifyPrepared(k,items[i%256]!.signature,items[i%256]!.message); const s=512/(performance.now()-t)*1000;
 t=performance.now(); for(let i=0;i<2;i++) c.verifyBatch(items); const b=512/(performance.now()-t)*1000;
 console.log('noble',n.toFixed(0),'single',s.toFixed(0),(s/n).toFixed(2),'batch',b.toFixed(0),(b/n).toFixed(2),'batch/single',(b/s).toFixed(2));
}
