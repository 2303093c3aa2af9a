#!/usr/bin/env python3
"""Score `costlint scan --format json` output against the hand-labelled accuracy set.

    score.py [--labels F] [--files F] [--repos F] --scans DIR [--verbose] [--json]
    score.py --self-test

DIR holds one `<name>.json` per repository in repos.txt (the scan of CHECKOUTS_DIR/<name>, run
inside that folder so paths are relative to the repository root). Only items in the labelled
files (files.txt) are scored. Python 3 standard library only.
"""
import argparse
import json
import os
import sys
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))


def norm(path):
    path = path.replace('\\', '/')
    while path.startswith('./'):
        path = path[2:]
    return path


def load_repos(path):
    """name -> (owner/name, commit)"""
    out = {}
    for line in open(path):
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        name, url, commit = line.split()
        out[name] = (url.rstrip('/').split('github.com/')[-1], commit)
    return out


def load_files(path):
    return {(r, p) for r, _c, p in (l.rstrip('\n').split('\t') for l in open(path) if l.strip())}


def load_labels(path):
    return [json.loads(l) for l in open(path) if l.strip()]


class Metric:
    def __init__(self):
        self.tp = self.fp = self.fn = 0
        self.fps, self.fns = [], []

    def add(self, predicted, expected):
        """predicted, expected: Counters of keys (repo, path, line, value)."""
        tp = predicted & expected
        fp = predicted - expected
        fn = expected - predicted
        self.tp += sum(tp.values())
        self.fp += sum(fp.values())
        self.fn += sum(fn.values())
        self.fps += sorted(fp.elements())
        self.fns += sorted(fn.elements())

    def merge(self, other):
        self.tp += other.tp; self.fp += other.fp; self.fn += other.fn
        self.fps += other.fps; self.fns += other.fns

    def precision(self):
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    def recall(self):
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    def as_dict(self):
        return {'tp': self.tp, 'fp': self.fp, 'fn': self.fn,
                'precision': r3(self.precision()), 'recall': r3(self.recall())}


def r3(x):
    return None if x is None else round(x, 3)


def score(labels, files, repos, scans):
    """scans: name -> parsed JSON (or None when missing). Returns (metrics dict, details)."""
    by_repo = defaultdict(list)
    for l in labels:
        by_repo[l['repo']].append(l)
    files_by_repo = defaultdict(set)
    for r, p in files:
        files_by_repo[r].add(p)

    names = ['references', 'limits', 'limit_model_pairs', 'sites_priced_precision',
             'sites_nontest_recall', 'sites_all_precision']
    total = {n: Metric() for n in names}
    total['limits_available'] = True
    per_repo = {}
    traps_priced_total = []
    for name, (repo, _commit) in repos.items():
        scan = scans.get(name)
        if scan is None:
            raise SystemExit(f'score.py: no scan output for {name}')
        lf = files_by_repo[repo]
        labs = by_repo[repo]
        m = {n: Metric() for n in names}

        # references
        exp = Counter((repo, l['path'], l['line'], l['value']) for l in labs if l['kind'] == 'reference')
        pred = Counter((repo, norm(r['path']), r['line'], r['text']) for r in scan.get('references', [])
                       if norm(r['path']) in lf)
        m['references'].add(pred, exp)

        # limits and limit->model pairs
        has_limits = 'limits' in scan
        if has_limits:
            lims = [x for x in scan['limits'] if norm(x['path']) in lf]
            labelled = {(l['path'], l['line']) for l in labs if l['kind'] == 'limit'}

            def at(x):
                # A limit read through a name (`max_tokens=max_tokens` with the parameter default
                # `max_tokens=4000`) may be labelled where its number is written: `value_line`.
                line, vline = x['line'], x.get('value_line')
                if (norm(x['path']), line) not in labelled and vline and (norm(x['path']), vline) in labelled:
                    return vline
                return line

            exp = Counter((repo, l['path'], l['line'], l['value']) for l in labs if l['kind'] == 'limit')
            pred = Counter((repo, norm(x['path']), at(x), x['value']) for x in lims if x.get('value') is not None)
            m['limits'].add(pred, exp)
            with_model = [l for l in labs if l['kind'] == 'limit' and l.get('model')]
            slots = {(l['path'], l['line']) for l in with_model}
            exp = Counter((repo, l['path'], l['line'], l['model']) for l in with_model)
            pred = Counter((repo, norm(x['path']), at(x), x['model']['text']) for x in lims
                           if x.get('model') and (norm(x['path']), at(x)) in slots)
            m['limit_model_pairs'].add(pred, exp)
        else:
            total['limits_available'] = False

        # sites
        site_labels = [l for l in labs if l['kind'] == 'site']
        trap_labels = [l for l in labs if l['kind'] == 'not_site']

        def lines_of(s):
            ls = {s['line']}
            if s.get('model') and s['model'].get('line') is not None:
                ls.add(s['model']['line'])
            return ls

        reported = [s for s in scan.get('sites', []) if norm(s['path']) in lf]
        priced = [s for s in reported if (s.get('usage') or {}).get('calls_per_day', 0) > 0]

        def matches(s, labs_):
            p = norm(s['path'])
            return [l for l in labs_ if l['path'] == p and l['line'] in lines_of(s)]

        def site_key(s):
            return (repo, norm(s['path']), s['line'], (s.get('model') or {}).get('text'))

        for metric, group in (('sites_priced_precision', priced), ('sites_all_precision', reported)):
            mm = m[metric]
            for s in group:
                if matches(s, site_labels):
                    mm.tp += 1
                else:
                    mm.fp += 1
                    mm.fps.append(site_key(s))
        mm = m['sites_nontest_recall']
        for l in site_labels:
            if l.get('test'):
                continue
            if any(l['path'] == norm(s['path']) and l['line'] in lines_of(s) for s in reported):
                mm.tp += 1
            else:
                mm.fn += 1
                mm.fns.append((repo, l['path'], l['line'], l['value']))
        traps = [site_key(s) for s in priced if not matches(s, site_labels) and matches(s, trap_labels)]
        traps_priced_total += traps

        per_repo[name] = {n: m[n] for n in names}
        per_repo[name]['limits_available'] = has_limits
        per_repo[name]['traps_priced'] = len(traps)
        for n in names:
            total[n].merge(m[n])
    total['traps_priced'] = len(traps_priced_total)
    total['_traps'] = traps_priced_total
    return total, per_repo


NAMES = [('references', 'references'), ('limits', 'limits'), ('limit_model_pairs', 'limit->model'),
         ('sites_priced_precision', 'sites priced (precision)'),
         ('sites_nontest_recall', 'sites non-test (recall)'), ('sites_all_precision', 'sites all (precision)')]


PRECISION_ONLY = ('sites_priced_precision', 'sites_all_precision')
RECALL_ONLY = ('sites_nontest_recall',)


def fmt(m, avail=True, name=''):
    if not avail:
        return 'n/a (no limits[] in the scan output)'
    p, r = m.precision(), m.recall()
    ps = 'n/a' if p is None else f'{p:.3f}'
    rs = 'n/a' if r is None else f'{r:.3f}'
    if name in PRECISION_ONLY:
        return f'tp={m.tp:<4} fp={m.fp:<4}         precision={ps}'
    if name in RECALL_ONLY:
        return f'tp={m.tp:<4}         fn={m.fn:<4}                   recall={rs}'
    return f'tp={m.tp:<4} fp={m.fp:<4} fn={m.fn:<4} precision={ps}  recall={rs}'


def to_json(total, per_repo):
    def block(d):
        out = {}
        for n, _ in NAMES:
            lim = n in ('limits', 'limit_model_pairs')
            v = d[n].as_dict() if (not lim or d['limits_available']) else None
            if v and n in PRECISION_ONLY:
                del v['fn'], v['recall']
            if v and n in RECALL_ONLY:
                del v['fp'], v['precision']
            out[n] = v
        out['traps_priced'] = d['traps_priced']
        return out
    return {'overall': block(total), 'per_repo': {k: block(v) for k, v in per_repo.items()}}


def report(total, per_repo, verbose):
    print('== overall')
    for n, title in NAMES:
        lim = n in ('limits', 'limit_model_pairs')
        print(f'  {title:26} {fmt(total[n], total["limits_available"] or not lim, n)}')
    print(f'  {"not_site traps priced":26} {total["traps_priced"]}')
    for name, d in per_repo.items():
        print(f'== {name}')
        for n, title in NAMES:
            lim = n in ('limits', 'limit_model_pairs')
            print(f'  {title:26} {fmt(d[n], d["limits_available"] or not lim, n)}')
        print(f'  {"not_site traps priced":26} {d["traps_priced"]}')
    if verbose:
        for n, title in NAMES:
            m = total[n]
            if m.fps:
                print(f'-- {title}: false positives')
                for k in m.fps:
                    print(f'   FP {k[0]} {k[1]}:{k[2]} {k[3]}')
            if m.fns:
                print(f'-- {title}: false negatives')
                for k in m.fns:
                    print(f'   FN {k[0]} {k[1]}:{k[2]} {k[3]}')
        if total['_traps']:
            print('-- priced sites on not_site traps')
            for k in total['_traps']:
                print(f'   TRAP {k[0]} {k[1]}:{k[2]} {k[3]}')


def self_test():
    repos = {'toy': ('o/toy', 'c' * 40)}
    files = {('o/toy', 'a.py'), ('o/toy', 'b.yaml')}
    L = lambda **k: {'repo': 'o/toy', 'commit': 'c' * 40, **k}
    labels = [
        L(path='a.py', line=1, kind='reference', value='gpt-4o'),
        L(path='a.py', line=1, kind='site', value='gpt-4o', test=False),
        L(path='a.py', line=2, kind='limit', value=100, param='max_tokens', model='gpt-4o'),
        L(path='a.py', line=5, kind='reference', value='gpt-4'),
        L(path='a.py', line=5, kind='not_site', value='gpt-4', why='comparison'),
        L(path='b.yaml', line=3, kind='reference', value='claude-3-haiku-20240307'),
        L(path='b.yaml', line=3, kind='site', value='claude-3-haiku-20240307', test=False),
        L(path='b.yaml', line=4, kind='limit', value=512, param='max_tokens', model='claude-3-haiku-20240307'),
        L(path='b.yaml', line=9, kind='site', value='gpt-4o-mini', test=True),
    ]
    usage = {'calls_per_day': 500}
    scan = {
        'references': [
            {'path': 'a.py', 'line': 1, 'column': 1, 'text': 'gpt-4o'},
            {'path': './a.py', 'line': 5, 'column': 1, 'text': 'gpt-4'},
            {'path': 'a.py', 'line': 7, 'column': 1, 'text': 'o1'},              # fp
            {'path': 'c.py', 'line': 1, 'column': 1, 'text': 'gpt-4o'},          # unlabelled file: ignored
        ],                                                                        # b.yaml:3 missed: fn
        'sites': [
            {'id': '1', 'path': 'a.py', 'line': 2, 'column': 1, 'model': {'text': 'gpt-4o', 'line': 1}, 'usage': usage},
            {'id': '2', 'path': 'a.py', 'line': 5, 'column': 1, 'model': {'text': 'gpt-4', 'line': 5}, 'usage': usage},  # trap priced
            {'id': '3', 'path': 'b.yaml', 'line': 9, 'column': 1, 'model': {'text': 'gpt-4o-mini', 'line': 9},
             'usage': {'calls_per_day': 0}},                                                                           # unpriced test site
        ],
        'limits': [
            {'path': 'a.py', 'line': 2, 'column': 1, 'param': 'max_tokens', 'value': 100, 'value_line': 2,
             'model': {'text': 'gpt-4o', 'line': 1}, 'site': '1'},
            {'path': 'b.yaml', 'line': 4, 'column': 1, 'param': 'max_tokens', 'value': 512, 'value_line': 4,
             'model': {'text': 'gpt-4o', 'line': 1}, 'site': None},              # wrong model
            {'path': 'a.py', 'line': 8, 'column': 1, 'param': 'max_tokens', 'value': None, 'value_line': 8,
             'model': None, 'site': None},                                         # no value: ignored
        ],
    }
    total, per_repo = score(labels, files, repos, {'toy': scan})
    got = {n: (total[n].tp, total[n].fp, total[n].fn) for n, _ in NAMES}
    want = {
        'references': (2, 1, 1),
        'limits': (2, 0, 0),
        'limit_model_pairs': (1, 1, 1),
        'sites_priced_precision': (1, 1, 0),
        'sites_nontest_recall': (1, 0, 1),
        'sites_all_precision': (2, 1, 0),
    }
    assert got == want, (got, want)
    assert total['traps_priced'] == 1
    assert round(total['references'].precision(), 3) == 0.667
    # without limits[]: limits report n/a
    scan2 = {k: v for k, v in scan.items() if k != 'limits'}
    total2, _ = score(labels, files, repos, {'toy': scan2})
    assert total2['limits_available'] is False and total2['limits'].tp == 0
    j = to_json(total2, _)
    assert j['overall']['limits'] is None and j['overall']['references']['tp'] == 2
    print('self-test ok')


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--labels', default=os.path.join(HERE, 'labels.jsonl'))
    ap.add_argument('--files', default=os.path.join(HERE, 'files.txt'))
    ap.add_argument('--repos', default=os.path.join(HERE, 'repos.txt'))
    ap.add_argument('--scans', help='folder with <name>.json per repository')
    ap.add_argument('--verbose', action='store_true', help='list every false positive and false negative')
    ap.add_argument('--json', action='store_true', help='print the metrics as JSON')
    ap.add_argument('--self-test', action='store_true')
    a = ap.parse_args()
    if a.self_test:
        self_test()
        return
    if not a.scans:
        ap.error('--scans is required')
    repos = load_repos(a.repos)
    scans = {}
    for name in repos:
        p = os.path.join(a.scans, name + '.json')
        scans[name] = json.load(open(p)) if os.path.exists(p) else None
    total, per_repo = score(load_labels(a.labels), load_files(a.files), repos, scans)
    if a.json:
        print(json.dumps(to_json(total, per_repo), indent=2))
    else:
        report(total, per_repo, a.verbose)


if __name__ == '__main__':
    main()
