import json,sys,glob,collections
f=sorted(glob.glob(sys.argv[1]+'/*.cpuprofile'))[-1]
p=json.load(open(f))
nodes={n['id']:n for n in p['nodes']}
self=collections.Counter()
dt=p['timeDeltas']; samples=p['samples']
for s,d in zip(samples,dt):
    n=nodes[s]; cf=n['callFrame']
    self[(cf['functionName'] or '(anon)')+' '+cf['url'].split('/')[-1]+':'+str(cf['lineNumber'])]+=d
tot=sum(self.values())
for k,v in self.most_common(40): print(f"{v/1000:8.0f}ms {100*v/tot:5.1f}% {k}")
