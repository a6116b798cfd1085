import sys, time
sys.path.insert(0, ".")
from egraph_mc.api import prepare
from egraph_mc.egraph import Limits, saturate, session, count_enodes
L="1/2 * M1.T @ (M2.T).T @ M3.T @ M3 @ (M4 - M4) @ (M5 + M5) @ M1 + norm(((s1 * M6.T @ M7) - (M8 @ M9 - (M5 + M5.T))))**2 + tr(((M10 - M11) - M7 @ M8) @ M12)"
W="M1: n; M2: n x m; M3: m x m; M4: m x n; M5: n x n symmetric; M6: m x n; M7: m x n; M8: n x k; M9: k x n; M10: m x k; M11: m x k; M12: k x m; s1: scalar"
L = sys.argv[2] if len(sys.argv) > 2 else L
term, decls = prepare(L, sys.argv[1], W)
snaps = []
last = [time.perf_counter()]
with session("egraph_mc.rules:default_laws", matches=True) as s:
    def prog(root, stats, start):
        now = time.perf_counter(); snaps.append((now - last[0], count_enodes(s.egraph), dict(s.law_matches()))); last[0] = time.perf_counter()
    root, stats = saturate(s, term, sys.argv[1], decls, Limits(seconds=float(sys.argv[3]) if len(sys.argv)>3 else 20), progress=prog)
print(stats)
prev = {}
for i, (dt, en, sn) in enumerate(snaps):
    diff = {l: sn[l] - prev.get(l, 0) for l in sn if sn[l] - prev.get(l, 0)}
    prev = sn
    print(i+1, round(dt,2), en, sorted(diff.items(), key=lambda x: -x[1])[:6])
