import sys, time; sys.path.insert(0,'.')
from egraph_mc import api
from egraph_mc.egraph import Limits
from egraph_mc.models import BUILTIN
W="M1: n; M2: n x m; M3: m x m; M4: m x n; M5: n x n symmetric; M6: m x n; M7: m x n; M8: n x k; M9: k x n; M10: m x k; M11: m x k; M12: k x m; s1: scalar; G: n x n"
for L in sys.argv[2:]:
    term, decls = api.prepare(L, sys.argv[1], W)
    t=time.time()
    out, picks = api._extract(term, sys.argv[1], decls, Limits(seconds=10), [BUILTIN["size"]], {}, False, 8)
    print(L, "|", round(time.time()-t,2), out.stats.iterations, {k: str(getattr(v,'term',v))[:80] for k,v in picks.items()})
