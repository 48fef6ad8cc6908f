import { buildTable, Ext } from './packages/token/src/crypto/point.ts';
import { mul } from './packages/token/src/crypto/field.ts';
const A=new Ext().setAffine(0x216936d3cd6e53fec0a4e231fdd6dc5c692cc7609525a7b2c9562d608f25d51an, 0x6666666666666666666666666666666666666666666666666666666666666658n);
const t=buildTable(A,6); let mx=0; for(const a of [t.ypx,t.ymx,t.xy2d]) for(const v of a) mx=Math.max(mx,v.toString(2).length); console.log('max bits',mx);
const e=new Ext().copy(A); for(let i=0;i<1000;i++){ e.double(); e.add(A);} console.log([e.X,e.Y,e.Z,e.T].map(v=>v.toString(2).length));
let x=A.X, y=A.Y; let t0=performance.now(); for(let i=0;i<1e6;i++) x=mul(x,y); console.log('mul ns',(performance.now()-t0));
t0=performance.now(); for(let i=0;i<1e5;i++) e.add(A); console.log('add ns',(performance.now()-t0)*10);
t0=performance.now(); for(let i=0;i<1e5;i++) e.double(); console.log('dbl ns',(performance.now()-t0)*10);
