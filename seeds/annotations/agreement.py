"""Recompute the inter-annotator agreement figures quoted in README.md.

Run from the repository root:

    python seeds/annotations/agreement.py            # all tables
    python seeds/annotations/agreement.py --check    # only the consistency checks

Inputs (all next to this script): units.jsonl, topics_pass_a.jsonl,
topics_pass_b.jsonl (the two independent passes) and topics.jsonl (the
adjudicated file). Document ids come from ../gold/*.json (first_line/last_line).
Cohen's kappa is computed with sklearn when it is installed; a plain
implementation is used otherwise (they agree to floating-point precision).
"""
import collections
import glob
import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SEEDS = os.path.dirname(HERE)
TOPICS = ["functions", "rulemaking", "decision", "enforcement", "emergency", "disputes",
          "oversight", "digital", "leadership", "literacy", "general"]

try:
    from sklearn.metrics import cohen_kappa_score
except ImportError:  # pragma: no cover
    cohen_kappa_score = None


def kappa(a, b):
    if len(set(a) | set(b)) < 2:
        return float("nan")  # undefined: a single label on both sides
    if cohen_kappa_score is not None:
        k = float(cohen_kappa_score(a, b))
    else:
        n = len(a)
        po = sum(x == y for x, y in zip(a, b)) / n
        ca, cb = collections.Counter(a), collections.Counter(b)
        pe = sum(ca[k] * cb[k] for k in set(ca) | set(cb)) / (n * n)
        k = float("nan") if pe == 1 else (po - pe) / (1 - pe)
    return k


def fmt_k(k):
    return "n/a (one label only)" if math.isnan(k) else f"{k:.3f}"


def load(name):
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def doc_mapper():
    golds = [json.load(open(p, encoding="utf-8")) for p in sorted(glob.glob(os.path.join(SEEDS, "gold", "*.json")))]
    texts = {}

    def doc_of(file, offset):
        t = texts.setdefault(file, open(os.path.join(SEEDS, file), encoding="utf-8").read())
        line = t.count("\n", 0, offset) + 1
        for g in golds:
            if g["file"] == file and g["first_line"] <= line <= g["last_line"]:
                return g["doc_id"], line
        return None, line

    return doc_of, texts


def table(rows, header):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def main():
    check_only = "--check" in sys.argv
    units = load("units.jsonl")
    pa = {r["id"]: r for r in load("topics_pass_a.jsonl")}
    pb = {r["id"]: r for r in load("topics_pass_b.jsonl")}
    final = load("topics.jsonl")
    doc_of, texts = doc_mapper()

    # ---- consistency checks -------------------------------------------------
    ids = [u["id"] for u in units]
    assert ids == list(pa) == list(pb) == [r["id"] for r in final], "id order differs between files"
    for u, r in zip(units, final):
        d, _ = doc_of(u["file"], u["start"])
        t = texts[u["file"]]
        assert t[u["start"]:u["end"]] == u["text"], u["id"]
        assert (r["file"], r["start"], r["end"]) == (u["file"], u["start"], u["end"]), u["id"]
        assert r["doc_id"] == d, (u["id"], r["doc_id"], d)
        assert r["pass_a"] == pa[u["id"]]["topic"] and r["pass_b"] == pb[u["id"]]["topic"], u["id"]
        assert r["kind"] == pa[u["id"]]["kind"] == pb[u["id"]]["kind"], u["id"]
        if r["pass_a"] != r["pass_b"]:
            assert r["adjudicated"], u["id"]
        if not r["adjudicated"]:
            assert r["topic"] == r["pass_a"], u["id"]
        assert (r["topic"] == "none") == (r["kind"] == "other"), u["id"]
        assert r["topic"] in TOPICS + ["none"], u["id"]
        assert r["reason"], u["id"]
    print(f"checks ok: {len(units)} units, ids/offsets/doc ids/pass labels consistent")
    if check_only:
        return

    A = [pa[i]["topic"] for i in ids]
    B = [pb[i]["topic"] for i in ids]
    F = [r["topic"] for r in final]
    KA = [pa[i]["kind"] for i in ids]
    KB = [pb[i]["kind"] for i in ids]
    file_of = {u["id"]: u["file"][:3] for u in units}
    doc = {r["id"]: r["doc_id"] for r in final}

    def stats(idx):
        a = [A[k] for k in idx]
        b = [B[k] for k in idx]
        n = len(idx)
        agree = sum(x == y for x, y in zip(a, b))
        return n, agree, agree / n if n else float("nan"), kappa(a, b) if n else float("nan")

    all_idx = list(range(len(ids)))
    para_idx = [k for k in all_idx if KA[k] == "paragraph" and KB[k] == "paragraph"
                and A[k] != "none" and B[k] != "none"]
    head_idx = [k for k in all_idx if KA[k] == "heading" and KB[k] == "heading"]

    print("\n## 1. Topic agreement, pass A vs pass B\n")
    rows = []
    for name, idx in [("all units (incl. kind=other, topic none)", all_idx),
                      ("kind=paragraph in both passes (none excluded)", para_idx),
                      ("kind=heading in both passes", head_idx)]:
        n, ag, raw, k = stats(idx)
        rows.append([name, n, ag, n - ag, f"{raw:.3f}", fmt_k(k)])
    print(table(rows, ["units", "n", "agree", "disagree", "raw agreement", "Cohen's kappa"]))

    print("\n## 2. Kind agreement (paragraph / heading / other)\n")
    n = len(ids)
    ag = sum(x == y for x, y in zip(KA, KB))
    print(table([["all units", n, ag, f"{ag / n:.3f}", fmt_k(kappa(KA, KB))]],
                ["units", "n", "agree", "raw agreement", "Cohen's kappa"]))
    print("\nkind counts (A):", dict(collections.Counter(KA)), " (B):", dict(collections.Counter(KB)))

    print("\n## 3. Topic agreement per seed file (all units of the file / paragraph units of the file)\n")
    rows = []
    for f in sorted(set(file_of.values())):
        idx = [k for k in all_idx if file_of[ids[k]] == f]
        pidx = [k for k in para_idx if file_of[ids[k]] == f]
        n, ag, raw, k = stats(idx)
        pn, pag, praw, pk = stats(pidx)
        rows.append([f, n, n - ag, f"{raw:.3f}", fmt_k(k), pn, f"{praw:.3f}", fmt_k(pk)])
    print(table(rows, ["file", "units", "disagree", "raw", "kappa", "paragraph units", "raw (para)", "kappa (para)"]))

    print("\n## 4. Disagreements per document (002 articles split; '-' = 002 header/目录/footer)\n")
    rows = []
    for d in sorted(set(doc.values()), key=lambda x: (x is None, x or "")):
        idx = [k for k in all_idx if doc[ids[k]] == d]
        n, ag, raw, k = stats(idx)
        rows.append([d or "-", n, n - ag, f"{raw:.3f}"])
    print(table(rows, ["doc", "units", "disagree", "raw agreement"]))

    print("\n## 5. Confusion of disagreements\n")
    dis = [(A[k], B[k]) for k in all_idx if A[k] != B[k]]
    print("Ordered pairs (pass A -> pass B):\n")
    print(table([[f"{a} -> {b}", c] for (a, b), c in collections.Counter(dis).most_common()], ["A -> B", "count"]))
    print("\nUnordered pairs:\n")
    un = collections.Counter(tuple(sorted(p)) for p in dis)
    print(table([[f"{a} / {b}", c] for (a, b), c in sorted(un.items(), key=lambda x: (-x[1], x[0]))], ["pair", "count"]))
    per_label = collections.Counter()
    for a, b in dis:
        per_label[a] += 1
        per_label[b] += 1
    print("\nLabels involved in disagreements (a unit counts once for each side):",
          ", ".join(f"{k} {v}" for k, v in per_label.most_common()))
    conf = collections.Counter((pa[ids[k]]["confidence"], pb[ids[k]]["confidence"]) for k in all_idx if A[k] != B[k])
    print("Confidence of the two passes on disagreements (A, B):", dict(conf))
    conf_all = collections.Counter((pa[i]["confidence"], pb[i]["confidence"]) for i in ids)
    print("Confidence over all units (A, B):", dict(conf_all))

    print("\n## 6. Each pass against the adjudicated labels\n")
    rows = []
    for name, P in [("pass A", A), ("pass B", B)]:
        for sub, idx in [("all", all_idx), ("paragraph", para_idx)]:
            p = [P[k] for k in idx]
            f_ = [F[k] for k in idx]
            ag = sum(x == y for x, y in zip(p, f_))
            rows.append([name, sub, len(idx), ag, f"{ag / len(idx):.3f}", fmt_k(kappa(p, f_))])
    print(table(rows, ["pass", "units", "n", "= final", "raw", "kappa"]))
    adj = [r for r in final if r["adjudicated"]]
    won = collections.Counter("A" if r["topic"] == r["pass_a"] else "B" if r["topic"] == r["pass_b"] else "neither"
                              for r in adj if r["pass_a"] != r["pass_b"])
    changed = [r for r in adj if r["pass_a"] == r["pass_b"]]
    print(f"\nadjudicated units: {len(adj)} (disagreements: {sum(won.values())}; agreed labels changed: {len(changed)})")
    print("disagreements resolved to:", dict(won))
    print("final label on disagreements:", dict(collections.Counter(r["topic"] for r in adj).most_common()))

    print("\n## 7. Final per-topic counts (kind=paragraph)\n")
    paras = [r for r in final if r["kind"] == "paragraph"]
    c = collections.Counter(r["topic"] for r in paras)
    ca = collections.Counter(A[k] for k in para_idx)
    cb = collections.Counter(B[k] for k in para_idx)
    rows = [[t, c[t], f"{c[t] / len(paras):.1%}", ca[t], cb[t]] for t in TOPICS]
    rows.append(["total", len(paras), "100%", sum(ca.values()), sum(cb.values())])
    print(table(rows, ["topic", "final", "share", "pass A", "pass B"]))
    ch = collections.Counter(r["topic"] for r in final if r["kind"] == "heading")
    print("\nheadings (kind=heading, final):", ", ".join(f"{t} {ch[t]}" for t in TOPICS if ch[t]),
          f"(total {sum(ch.values())}); kind=other: {sum(1 for r in final if r['kind'] == 'other')} units, all topic none")

    print("\n## 8. Final per-document counts (kind=paragraph)\n")
    short = {"functions": "fun", "rulemaking": "rul", "decision": "dec", "enforcement": "enf", "emergency": "eme",
             "disputes": "dis", "oversight": "ove", "digital": "dig", "leadership": "lea", "literacy": "lit",
             "general": "gen"}
    rows = []
    docs = sorted({r["doc_id"] for r in final}, key=lambda x: (x is None, x or ""))
    for d in docs:
        rs = [r for r in paras if r["doc_id"] == d]
        cc = collections.Counter(r["topic"] for r in rs)
        nh = sum(1 for r in final if r["doc_id"] == d and r["kind"] == "heading")
        no = sum(1 for r in final if r["doc_id"] == d and r["kind"] == "other")
        rows.append([d or "-"] + [cc[t] or "" for t in TOPICS] + [len(rs), nh, no])
    rows.append(["total"] + [c[t] for t in TOPICS] + [len(paras), sum(ch.values()),
                                                      sum(1 for r in final if r["kind"] == "other")])
    print(table(rows, ["doc"] + [short[t] for t in TOPICS] + ["para", "head", "other"]))


if __name__ == "__main__":
    main()
