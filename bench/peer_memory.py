"""PyTorch peer for Anchor's memory figures: the same work as bench/memory's Anchor runs, on GPT-2 124M's shape, in
PyTorch on the CPU, so that "peak resident memory within 1.5x of PyTorch's for the same work" is a measured ratio.

The model is the speed peer's own (../shared/peers/gpt2_torch.py: every definition before its `m = GPT()` line, run
with the shape arguments below), so both peers stay one model. Two modes, each printing one line "peak_gib seconds":

  dpo: a policy trained with AdamW on the sigmoid DPO loss beside a frozen reference copy (no gradients):
       STEPS steps of B pairs, chosen and rejected rows of T tokens each (4 forward passes a step, 2 with gradients).
  ppo: TRL's PPO with four models: a policy and a value model (a GPT-2 trunk with a scalar head) trained by one
       AdamW (TRL's PolicyAndValueWrapper), a frozen reference and a frozen reward model (scalar head). Per update:
       sample T new tokens for B prompts of 8 tokens with a KV cache, score them (reference log-probs, values,
       reward), then EPOCHS passes over MINI minibatches, each one backward of the clipped policy loss plus the
       clipped value loss, the gradients of both models clipped to one norm, one step.

  /usr/bin/python3 bench/peer_memory.py dpo 2 32 --steps 16
  /usr/bin/python3 bench/peer_memory.py ppo 4 32 --updates 3 --mini 2 --epochs 4

The peak is the process's own maximum resident set (getrusage), the figure /usr/bin/time -v prints for Anchor."""
import argparse, copy, os, resource, sys, time

ap = argparse.ArgumentParser()
ap.add_argument('mode', choices=['dpo', 'ppo'])
ap.add_argument('B', type=int); ap.add_argument('T', type=int)
ap.add_argument('--steps', type=int, default=16); ap.add_argument('--updates', type=int, default=3)
ap.add_argument('--mini', type=int, default=2); ap.add_argument('--epochs', type=int, default=4)
ap.add_argument('--peer', default=os.path.join(os.path.dirname(__file__), '..', '..', 'shared', 'peers', 'gpt2_torch.py'))
a = ap.parse_args()

source = open(a.peer).read()
cut = source.find('\nm = GPT()')
if cut < 0: sys.exit(f'peer_memory.py: {a.peer} has no "m = GPT()" line to stop at')
sys.argv = [a.peer, 'fwd', '1', '1']                                   # the peer's own defaults: GPT-2 124M
peer = {'__name__': 'gpt2_torch'}
exec(compile(source[:cut], a.peer, 'exec'), peer)
torch, F, GPT, V, C = peer['torch'], peer['F'], peer['GPT'], peer['V'], peer['C']
nn = torch.nn


def seq_logps(m, idx, start):
    """Summed log-probs of idx[:, start:] given what comes before (B,)."""
    logits = m(idx[:, :-1])[0]                                              # (B, T-1, V)
    lp = F.log_softmax(logits, -1).gather(-1, idx[:, 1:, None]).squeeze(-1)  # (B, T-1)
    return lp[:, start - 1:].sum(-1)


class Scalar(nn.Module):
    """A GPT-2 trunk with a scalar head at every position (TRL's value model and reward model)."""
    def __init__(s):
        super().__init__()
        s.gpt, s.score = GPT(), nn.Linear(C, 1, bias=False)

    def forward(s, idx):
        g = s.gpt
        x = g.wte(idx) + g.wpe(torch.arange(idx.shape[1]))
        for b in g.h: x, _ = b(x)
        return s.score(g.lnf(x)).squeeze(-1)                                   # (B, T)


def dpo():
    policy = GPT(); reference = copy.deepcopy(policy).eval()
    for p in reference.parameters(): p.requires_grad_(False)
    opt = torch.optim.AdamW(policy.parameters(), lr=1e-6, weight_decay=0.0)
    prompt = a.T // 2
    for _ in range(a.steps):
        idx = torch.randint(0, V, (2 * a.B, a.T))                            # chosen rows, then rejected rows
        with torch.no_grad(): ref = seq_logps(reference, idx, prompt)
        pol = seq_logps(policy, idx, prompt)
        margin = (pol[:a.B] - ref[:a.B]) - (pol[a.B:] - ref[a.B:])
        loss = -F.logsigmoid(0.1 * margin).mean()
        loss.backward(); torch.nn.utils.clip_grad_norm_(policy.parameters(), 1.0)
        opt.step(); opt.zero_grad(set_to_none=True)


def ppo():
    policy, value, reward = GPT(), Scalar(), Scalar()
    reference = copy.deepcopy(policy).eval()
    for m in (reference, reward):
        for p in m.parameters(): p.requires_grad_(False)
    params = list(policy.parameters()) + list(value.parameters())
    opt = torch.optim.AdamW(params, lr=1e-6, eps=1e-5)
    P = 8
    for _ in range(a.updates):
        with torch.no_grad():                                                  # rollouts with a KV cache, then scoring
            seq = torch.randint(0, V, (a.B, P))
            logits, past = policy(seq)
            for t in range(a.T):
                nxt = torch.multinomial(F.softmax(logits[:, -1], -1), 1)
                seq = torch.cat([seq, nxt], 1)
                logits, past = policy(nxt, past, P + t)
            old = token_logps(policy, seq, P); ref = token_logps(reference, seq, P)
            old_v = value(seq)[:, P - 1:-1]; score = reward(seq)[:, -1]
            adv = score[:, None] - 0.05 * (old - ref) - old_v; ret = adv + old_v
        rows = a.B // a.mini
        for _ in range(a.epochs):
            for k in range(a.mini):
                i = slice(k * rows, (k + 1) * rows)
                ratio = torch.exp(token_logps(policy, seq[i], P) - old[i])
                pl = torch.max(-adv[i] * ratio, -adv[i] * ratio.clamp(0.8, 1.2)).mean()
                v = value(seq[i])[:, P - 1:-1]
                vc = old_v[i] + (v - old_v[i]).clamp(-0.2, 0.2)
                vl = 0.5 * torch.max((v - ret[i]) ** 2, (vc - ret[i]) ** 2).mean()
                (pl + 0.1 * vl).backward()
                torch.nn.utils.clip_grad_norm_(params, 1.0)
                opt.step(); opt.zero_grad(set_to_none=True)


def token_logps(m, idx, start):
    """Per-token log-probs of idx[:, start:] (B, T-start)."""
    logits = m(idx[:, :-1])[0]
    return F.log_softmax(logits, -1).gather(-1, idx[:, 1:, None]).squeeze(-1)[:, start - 1:]


torch.manual_seed(0)
t0 = time.perf_counter()
dpo() if a.mode == 'dpo' else ppo()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2 ** 20             # KiB -> GiB
print(f'{peak:.2f} {time.perf_counter() - t0:.1f}')
