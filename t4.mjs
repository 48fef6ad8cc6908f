const P = 2n**255n-19n; const MASK=(1n<<255n)-1n;
const modP=(n)=>{ let r=(n>>255n)*19n+(n&MASK); r=(r>>255n)*19n+(r&MASK); return r>=P?r-P:r;};
const mul=(a,b)=>{ const n=a*b; const r=(n>>255n)*19n+(n&MASK); return (r>>255n)*19n+(r&MASK);};
let x=12345678901234567890123456789012345678901234567890123456789n%P, y=x*3n%P;
for (let rep=0;rep<3;rep++){
let t=performance.now(); const N=1e6;
for(let i=0;i<N;i++){ x=modP(x*y); }
console.log('modP ns', (performance.now()-t)/N*1e6);
t=performance.now();
for(let i=0;i<N;i++){ x=mul(x,y); }
console.log('mul ns', (performance.now()-t)/N*1e6);
}
