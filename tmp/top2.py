import json,sys,collections
p=json.load(open(sys.argv[1]))
nodes={n['id']:n for n in p['nodes']}
parent={}
for n in p['nodes']:
    for c in n.get('children',[]): parent[c]=n['id']
def name(n):
    cf=n['callFrame']; return (cf['functionName'] or '(anon)')+' '+cf['url'].split('/')[-1]+':'+str(cf['lineNumber'])
self=collections.Counter(); incl=collections.Counter()
for s,d in zip(p['samples'],p['timeDeltas']):
    self[name(nodes[s])]+=d
    seen=set(); x=s
    while x is not None:
        k=name(nodes[x])
        if k not in seen: incl[k]+=d; seen.add(k)
        x=parent.get(x)
tot=sum(self.values())
print('total',tot/1e6)
print('--- self'); 
for k,v in self.most_common(30): print(f"{v/1000:8.0f}ms {100*v/tot:5.1f}% {k}")
print('--- inclusive (src files)')
for k,v in incl.most_common(400):
    if '.ts:' in k and 'node_modules' not in k: print(f"{v/1000:8.0f}ms {100*v/tot:5.1f}% {k}")
