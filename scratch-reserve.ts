import { poissonTail } from './packages/reserve/src/lib/incomplete-gamma.ts';
import { quantileSearch } from './packages/reserve/src/lib/quantile-search.ts';
import { logPmfRaw } from './packages/reserve/src/lib/log-pmf.ts';
function time(name:string, fn:()=>number, n=200000){ let s=0; for(let i=0;i<n/10;i++) s+=fn(); const t=performance.now(); for(let i=0;i<n;i++) s+=fn(); const dt=performance.now()-t; console.log(name, (dt/n*1e3).toFixed(3)+'us', s>0?'':'!'); }
time('logPmf 73,60', ()=>logPmfRaw(73,60));
time('tail upper 73,60', ()=>poissonTail(73,60,true));
time('tail lower 50,60', ()=>poissonTail(50,60,false));
time('tail upper 60,60', ()=>poissonTail(60,60,true));
time('quantile 0.05 upper 60', ()=>quantileSearch(0.05,60,false));
time('quantile 0.05 upper 120', ()=>quantileSearch(0.05,120,false));
time('quantile 0.05 upper 2', ()=>quantileSearch(0.05,2,false));
