# Compares two PMTiles v3 archives tile by tile: which tiles differ, per layer the feature counts
# and the polygons' area (shoelace on the decoded rings), with a hand-written protobuf reader.
#   python3 benches/compare_pmtiles.py before.pmtiles after.pmtiles
import sys, struct, gzip, zlib
def varint(b, i):
    r = s = 0
    while True:
        c = b[i]; i += 1; r |= (c & 0x7f) << s; s += 7
        if c < 0x80: return r, i
def fields(b):
    i = 0
    while i < len(b):
        k, i = varint(b, i); f, t = k >> 3, k & 7
        if t == 0: v, i = varint(b, i)
        elif t == 2:
            n, i = varint(b, i); v = b[i:i+n]; i += n
        elif t == 1: v = b[i:i+8]; i += 8
        elif t == 5: v = b[i:i+4]; i += 4
        yield f, t, v
def packed(b):
    out = []; i = 0
    while i < len(b):
        v, i = varint(b, i); out.append(v)
    return out
def zz(n): return (n >> 1) ^ -(n & 1)
def area(cmds):
    x = y = 0; rings = []; cur = []; i = 0; tot = 0
    while i < len(cmds):
        c = cmds[i]; op, cnt = c & 7, c >> 3; i += 1
        if op in (1, 2):
            for _ in range(cnt):
                x += zz(cmds[i]); y += zz(cmds[i+1]); i += 2
                if op == 1: cur = [(x, y)]
                else: cur.append((x, y))
        elif op == 7:
            a = sum(cur[k][0]*cur[(k+1)%len(cur)][1]-cur[(k+1)%len(cur)][0]*cur[k][1] for k in range(len(cur)))
            tot += a
    return tot
def dirs(b):
    n, i = varint(b, 0); ids = []; last = 0
    for _ in range(n):
        d, i = varint(b, i); last += d; ids.append(last)
    rl = []
    for _ in range(n): v, i = varint(b, i); rl.append(v)
    ln = []
    for _ in range(n): v, i = varint(b, i); ln.append(v)
    off = []
    for k in range(n):
        v, i = varint(b, i)
        off.append(off[-1] + ln[k-1] if v == 0 and k > 0 else v - 1)
    return list(zip(ids, rl, ln, off))
def read(path):
    f = open(path, 'rb').read()
    h = f[:127]
    ro, rl, mo, ml, lo, ll, do, dl = struct.unpack_from('<8Q', h, 8)
    ic = h[97]; tc = h[98]
    def dec(b, c): return gzip.decompress(b) if c == 2 else b
    out = {}
    def walk(off, ln):
        for tid, r, l, o in dirs(dec(f[off:off+ln], ic)):
            if r == 0: walk(lo + o, l)
            else:
                t = dec(f[do+o:do+o+l], tc)
                for tt in range(r): out[tid+tt] = t
    walk(ro, rl)
    return out
def summary(t):
    res = {}
    for f, _, layer in fields(t):
        if f != 3: continue
        name = None; feats = 0; a = 0
        for lf, _, v in fields(layer):
            if lf == 1: name = v.decode()
            if lf == 2:
                feats += 1
                gtype = 0; geom = b''
                for ff, _, vv in fields(v):
                    if ff == 3: gtype = vv
                    if ff == 4: geom = vv
                if gtype == 3: a += area(packed(geom))
        res[name] = (feats, a)
    return res
A, B = read(sys.argv[1]), read(sys.argv[2])
print('tiles', len(A), len(B))
diff_tiles = 0; worst = 0; tot_a = tot_b = 0
for k in A:
    if k not in B: print('missing', k); continue
    if A[k] == B[k]: continue
    diff_tiles += 1
    sa, sb = summary(A[k]), summary(B[k])
    for name in sa:
        fa, aa = sa[name]; fb, ab = sb.get(name, (0, 0))
        tot_a += abs(aa); tot_b += abs(ab)
        if fa != fb: print('features differ', k, name, fa, fb)
        if aa != ab:
            rel = abs(aa-ab)/max(1, abs(aa)); worst = max(worst, rel)
print('tiles that differ', diff_tiles, 'worst relative area change', worst, 'total area', tot_a, tot_b)
