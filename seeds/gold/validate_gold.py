"""Sanity checks for the hand-written gold files (does not parse documents; only checks consistency)."""
import json, glob, os, re, sys
HERE = os.path.dirname(os.path.abspath(__file__))
SEEDS = os.path.dirname(HERE)
IDS = ['000', '001'] + [f'002a{i:02d}' for i in range(1, 25)] + ['003', '004']
STYLES = {'cn_dun', 'cn_paren', 'arabic_dot', 'arabic_paren', 'article', 'chapter', 'ordinal', 'unnumbered'}
GENRES = {'opinion', 'plan', 'annual_report', 'work_summary', 'duty_report', 'news', 'notice', 'decision',
          'regulation', 'speech', 'commentary', 'unknown'}
ROLES = {'preamble', 'measures', 'problems', 'plans', 'safeguards', 'closing'}
META = ['doc_number', 'issuer', 'date', 'published', 'index_no', 'source', 'author']
errs = []
def err(d, m): errs.append(f'{d}: {m}')
files = sorted(glob.glob(os.path.join(HERE, '*.json')))
names = [os.path.basename(f)[:-5] for f in files]
if sorted(names) != sorted(IDS): err('ALL', f'file set mismatch: {sorted(set(names) ^ set(IDS))}')
cache = {}
spans = {}
for f in files:
    did = os.path.basename(f)[:-5]
    try:
        d = json.load(open(f, encoding='utf-8'))
    except Exception as e:
        err(did, f'invalid JSON: {e}'); continue
    if d.get('doc_id') != did: err(did, 'doc_id mismatch')
    if d['file'] not in cache:
        cache[d['file']] = open(os.path.join(SEEDS, d['file']), encoding='utf-8').read().split('\n')
    L = cache[d['file']]; n = len(L)
    fl, ll, tl = d['first_line'], d['last_line'], d['title_line']
    if not (1 <= fl <= ll <= n): err(did, f'bad range {fl}-{ll} (file has {n} lines)')
    if not L[ll - 1].strip(): err(did, 'last_line is blank')
    spans.setdefault(d['file'], []).append((fl, ll, did))
    if tl is not None:
        if not (fl <= tl <= ll): err(did, 'title_line out of range')
        if L[tl - 1].strip() != d['title']: err(did, f'title != line {tl}')
    elif d['title'] is not None: err(did, 'title without title_line')
    if d['genre'] not in GENRES: err(did, f'bad genre {d["genre"]}')
    if not d.get('genre_reason'): err(did, 'missing genre_reason')
    if list(d['meta'].keys()) != META: err(did, 'meta keys')
    for k in ('date', 'published'):
        v = d['meta'][k]
        if v is not None and not re.fullmatch(r'\d{4}-\d{2}-\d{2}', v): err(did, f'{k} not ISO: {v}')
    prev = 0
    for o in d['outline']:
        ln = o['line']
        if not (fl <= ln <= ll): err(did, f'outline line {ln} out of range')
        if ln <= prev: err(did, f'outline not in line order at {ln}')
        prev = ln
        if o['style'] not in STYLES: err(did, f'bad style {o["style"]}')
        if not isinstance(o['level'], int) or o['level'] < 1: err(did, f'bad level at {ln}')
        text = L[ln - 1]
        if o['marker'] not in text: err(did, f'marker {o["marker"]!r} not in line {ln}')
        if o['style'] == 'ordinal':
            if text.strip() != o['marker']: err(did, f'ordinal line {ln} is not just the marker')
            parts = o['heading'].split(' ')
            for j, p in enumerate(parts, 1):
                if L[ln - 1 + j].strip() != p: err(did, f'ordinal heading part {p!r} != line {ln + j}')
        else:
            if o['heading'] not in text: err(did, f'heading not in line {ln}')
            if o['style'] != 'unnumbered':
                pos = text.find(o['marker'])
                if text.find(o['heading'], pos + len(o['marker'])) < 0: err(did, f'heading not after marker at {ln}')
        if o['run_in'] and len(text.strip()) <= len(o['marker']) + len(o['heading']) + 2:
            err(did, f'run_in but nothing follows heading at {ln}')
    if 'roles' in d:
        hl = [o['line'] for o in d['outline']]
        rl = [r['line'] for r in d['roles'] if r['role'] not in ('preamble', 'closing') or r['line'] in hl]
        if sorted(rl) != sorted(hl): err(did, 'roles do not cover every outline heading exactly once')
        for r in d['roles']:
            if r['role'] not in ROLES: err(did, f'bad role {r["role"]}')
            if r['line'] is not None and not (fl <= r['line'] <= ll): err(did, f'role line {r["line"]} out of range')
    elif did in ('001', '004'): err(did, 'roles missing')
for fn, sp in spans.items():  # 002 articles must not overlap
    sp.sort()
    for a, b in zip(sp, sp[1:]):
        if b[0] <= a[1]: err(b[2], f'overlaps {a[2]}')
print(f'{len(files)} files checked;', 'OK' if not errs else f'{len(errs)} problems')
for e in errs: print('  ', e)
sys.exit(1 if errs else 0)
