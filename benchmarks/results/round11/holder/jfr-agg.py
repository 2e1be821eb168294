# Samples of the FX thread (GtkNativeMainLoopThread) between two wall-clock ms, from `jfr print --json --events jdk.ExecutionSample --stack-depth 96 X.jfr`: each method with the samples it is in, then the top frames.
# usage: python3 jfr-agg.py X.json FROM_MS TO_MS [N]
import json,sys,datetime,collections
d=json.load(open(sys.argv[1]))
t0=int(sys.argv[2]); t1=int(sys.argv[3])
evs=d['recording']['events']
inc=collections.Counter(); top=collections.Counter(); n=0
for e in evs:
    v=e['values']
    th=v['sampledThread']['javaName']
    if th!='GtkNativeMainLoopThread': continue
    ts=datetime.datetime.fromisoformat(v['startTime'].replace('Z','+00:00')).timestamp()*1000
    if not (t0<=ts<=t1): continue
    n+=1
    frames=[f['method']['type']['name'].split('.')[-1]+'.'+f['method']['name'] for f in v['stackTrace']['frames']]
    for f in set(frames): inc[f]+=1
    top[frames[0]]+=1
print('samples',n)
for k,c in inc.most_common(int(sys.argv[4]) if len(sys.argv)>4 else 60): print(c,k)
print('--- top frames')
for k,c in top.most_common(15): print(c,k)
