import * as c from './packages/token/src/crypto/index.ts';
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
ed.hashes.sha512 = sha512;
const kp=c.generateKeyPair(); const m=crypto.getRandomValues(new Uint8Array(120)); const s=c.sign(m,kp.secretKey);
let t=performance.now(); const k0=c.prepareKey(kp.publicKey,'noble')!; const ok0=c.verifyPrepared(k0,s,m); console.log('cold first ever ms', performance.now()-t, ok0);
const kp2=c.generateKeyPair(); const s2=c.sign(m,kp2.secretKey);
t=performance.now(); const k2=c.prepareKey(kp2.publicKey,'noble')!; console.log('prepare new key ms', performance.now()-t, c.verifyPrepared(k2,s2,m), 'total', performance.now()-t);
function bench(name:string, fn:()=>unknown, n:number){ for(let i=0;i<n/10;i++)fn(); const t=performance.now(); for(let i=0;i<n;i++) fn(); const dt=performance.now()-t; console.log(name, Math.round(n/dt*1000),'ops/s'); }
const bad=s.slice(); bad[5]^=1;
bench('noble raw', ()=>ed.verify(s,m,kp.publicKey), 500);
bench('ours noble', ()=>c.verifyPrepared(k0,s,m), 5000);
bench('ours noble reject', ()=>c.verifyPrepared(k0,bad,m), 5000);
const kn=c.prepareKey(kp.publicKey,'native')!;
bench('ours native', ()=>c.verifyPrepared(kn,s,m), 20000);
bench('ours native reject', ()=>c.verifyPrepared(kn,bad,m), 5000);
t=performance.now(); for(let i=0;i<5;i++) c.prepareKey(c.generateKeyPair().publicKey,'noble'); console.log('prepare warm ms', (performance.now()-t)/5);
