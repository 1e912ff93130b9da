# Does the linear family that beats EASE elsewhere open a gap on ml-100k (issue #19's +5% on dense data)?
# EASE, EDLAE (item-specific regularisation lambda + p/(1-p)*G_ii, zero diagonal; Steck 2020) and its
# full-rank DLAE, each tuned on validation users, on a numpy replica of the strong split (80/10/10
# users by seed, 80% of a held-out user's items as input, NDCG@100 on the rest): not the project's
# exact split, so compare its rows with each other, not with npm run eval's figures.
# Run: python3 research/dense-linear/edlae.py   (a minute on one core)
import csv, os
os.environ.setdefault('OPENBLAS_NUM_THREADS', '1')
import numpy as np
rows=list(csv.DictReader(open(os.path.join(os.path.dirname(__file__), '../../../shared/data/ml-100k/interactions.csv'))))
users=sorted({r['user_id'] for r in rows}); items=sorted({r['item_id'] for r in rows})
ui={u:i for i,u in enumerate(users)}; ii={t:i for i,t in enumerate(items)}
X=np.zeros((len(users),len(items)),dtype=np.float64)
for r in rows: X[ui[r['user_id']],ii[r['item_id']]]=1
def ndcg100(scores, held):
    out=[]
    for s,h in zip(scores,held):
        top=np.argsort(-s)[:100]
        dcg=sum(1/np.log2(i+2) for i,t in enumerate(top) if t in h)
        idcg=sum(1/np.log2(i+2) for i in range(min(len(h),100)))
        out.append(dcg/idcg)
    return np.mean(out)
res={}
for seed in (42,43,44):
    rng=np.random.default_rng(seed); perm=rng.permutation(len(users)); n=len(users)
    tr=perm[:int(.8*n)]; te=perm[int(.9*n):]; va=perm[int(.8*n):int(.9*n)]
    def fold(us):
        inp=np.zeros((len(us),X.shape[1])); held=[]
        for k,u in enumerate(us):
            its=np.flatnonzero(X[u]); rng.shuffle(its); c=int(np.ceil(.8*len(its)))
            inp[k,its[:c]]=1; held.append(set(its[c:]))
        return inp,held
    vin,vh=fold(va); tin,th=fold(te)
    G=X[tr].T@X[tr]; d=np.diag(G).copy()
    def ease(lam, p=0.0):
        L=G+np.diag(lam+ p/(1-p)*d if p>0 else np.full(len(d),lam))
        P=np.linalg.inv(L); B=-P/np.diag(P); np.fill_diagonal(B,0); return B
    def dlae(lam,p):  # full rank, no zero-diag
        L=G+np.diag(lam+ p/(1-p)*d); return np.linalg.solve(L,G)
    def evalB(B,inp,held):
        s=inp@B; s[inp>0]=-np.inf; return ndcg100(s,held)
    best={}
    for name,fn,grid in [('ease',lambda a:ease(a),[(l,) for l in (50,100,200,300,500,800)]),
                         ('edlae',lambda a,b:ease(a,b),[(l,p) for l in (10,50,100,200) for p in (0.1,0.25,0.33,0.5)]),
                         ('dlae',lambda a,b:dlae(a,b),[(l,p) for l in (10,50,100,200) for p in (0.1,0.25,0.33,0.5,0.67)])]:
        sc=[(evalB(fn(*g),vin,vh),g) for g in grid]; v,g=max(sc)
        best[name]=(g, evalB(fn(*g),tin,th), v)
    print(seed, {k: {'setting': v[0], 'test': round(float(v[1]), 4), 'validation': round(float(v[2]), 4)} for k, v in best.items()}, flush=True)
